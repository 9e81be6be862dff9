using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Leaks;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiGateway.AdminApi.Tests.Leaks;

/// <summary><c>POST /v1/leaks</c> and GitHub's partner endpoint, on a real SQLite store, with a GitHub played by the test.</summary>
public sealed class LeaksEndpointsTests : IAsyncLifetime
{
    private const string GitHubKeyId = "90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a";
    private readonly AdminApiFactory _factory = new();
    private readonly GitHubSigner _github = new();
    private string _keysFile = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _keysFile = Path.Combine(_factory.Database.Directory.FullName, "github-keys.json");
        _github.WriteDocument(_keysFile, GitHubKeyId);
        _factory.With("Leaks:GitHubPublicKeysFile", _keysFile);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _github.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Report_MixedCandidates_ResultsInInputOrderAndTheKeyRevokedAndAudited()
    {
        using var client = _factory.CreateOwnerClient();
        var key = await client.MintAsync();
        var plaintext = key.Str("key");
        var unknown = new KeyFormat("agw").Mint(KeyMode.Live);
        var typo = plaintext[..^1] + (plaintext[^1] == 'a' ? 'b' : 'a');

        using var response = await client.PostJsonAsync("/v1/leaks", new JsonObject
        {
            ["keys"] = new JsonArray(plaintext, typo, plaintext, unknown, "short"),
            ["source"] = "trufflehog",
            ["url"] = "https://github.com/acme/app/commit/abc",
        });

        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        var items = body.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["revoked", "invalid_format", "already_revoked", "unknown", "invalid_format"], items.Select(i => i.Str("result")));
        Assert.Equal(key.Str("prefix"), items[0].Str("prefix"));
        Assert.Equal("s", items[4].Str("prefix"));   // never more than a quarter of what was sent
        Assert.DoesNotContain(plaintext, body.GetRawText(), StringComparison.Ordinal);

        var record = await client.GetJsonAsync($"/v1/keys/{key.Str("id")}");
        Assert.Equal("revoked", record.Str("status"));
        Assert.Equal(_factory.Clock.GetUtcNow(), record.Time("leakedAt"));
        Assert.Equal("trufflehog", record.Str("leakSource"));
        var audit = await client.GetJsonAsync($"/v1/audit?keyId={key.Str("id")}&action=key.leaked");
        var events = audit.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(2, events.Length);
        Assert.Equal(["already_revoked", "revoked"], events.Select(e => e.GetProperty("details").Str("result")));
        Assert.Equal("https://github.com/acme/app/commit/abc", events[1].GetProperty("details").Str("url"));
        Assert.Equal("trufflehog", events[1].GetProperty("details").Str("source"));
        Assert.DoesNotContain(plaintext, audit.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_FlagAction_KeyStaysActiveAndShowsTheLeak()
    {
        _factory.With("Leaks:Action", "flag");
        using var client = _factory.CreateOwnerClient();
        var key = await client.MintAsync();

        using var response = await client.PostJsonAsync("/v1/leaks", new JsonObject { ["keys"] = new JsonArray(key.Str("key")) });

        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("flagged", body.GetProperty("items")[0].Str("result"));
        var record = await client.GetJsonAsync($"/v1/keys/{key.Str("id")}");
        Assert.Equal("active", record.Str("status"));
        Assert.Equal(_factory.Clock.GetUtcNow(), record.Time("leakedAt"));
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { """{ "keys": [] }""", "keys" },
        { """{ }""", "keys" },
        { "{ \"keys\": [" + string.Join(",", Enumerable.Repeat("\"x\"", 101)) + "] }", "keys" },
        { """{ "keys": ["a", null] }""", "keys[1]" },
        { """{ "keys": ["a", ""] }""", "keys[1]" },
        { "{ \"keys\": [\"a\"], \"source\": \"" + new string('s', 201) + "\" }", "source" },
        { """{ "keys": ["a"], "source": "line\nbreak" }""", "source" },
        { """{ "keys": ["a"], "url": "javascript:alert(1)" }""", "url" },
        { """{ "keys": ["a"], "url": "not a url" }""", "url" },
        { """{ "keys": ["a"], "sauce": "x" }""", "sauce" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Report_InvalidBody_400NamingTheField(string body, string field)
    {
        using var client = _factory.CreateOwnerClient();
        using var response = await client.PostRawAsync("/v1/leaks", body);
        await ApiAssert.ValidationErrorAsync(response, field);
    }

    [Fact]
    public async Task Report_WithoutCredential_401()
    {
        using var client = _factory.CreateClient(credential: null);
        using var response = await client.PostJsonAsync("/v1/leaks", new JsonObject { ["keys"] = new JsonArray("x") });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>The reporter over a write store that fails any call: bad shapes and checksums are decided without it.</summary>
    [Fact]
    public async Task Reporter_InvalidFormatCandidates_NeverTouchTheStore()
    {
        var format = new KeyFormat("agw");
        var hasher = new KeyHasher(null);
        var mutations = new KeyMutationService(DispatchProxy.Create<IKeyWriteStore, FailingStore>(), new KeyMinter(format, hasher, TimeProvider.System),
            [], [], Options.Create(new KeysOptions()), TimeProvider.System, NullLogger<KeyMutationService>.Instance);
        var reporter = new LeakReporter(new KeyCredentials(format, hasher, ImportedKeyPattern.None), mutations, Options.Create(new LeaksOptions()));
        var key = format.Mint(KeyMode.Live);

        foreach (var candidate in new[] { key[..^1] + (key[^1] == 'a' ? 'b' : 'a'), key[..^1], key + "a", "agw_prod_" + key[9..], "x", new string('a', 5000) })
        {
            var outcome = await reporter.ReportAsync(candidate, new LeakReport(null, null), Actor.System, Ct);
            Assert.Equal(LeakResult.InvalidFormat, outcome.Result);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => reporter.ReportAsync(key, new LeakReport(null, null), Actor.System, Ct));
    }

    [Fact]
    public async Task GitHub_SignedReport_LabelsAndRevokesOurKeyAndNeverEchoesTheToken()
    {
        using var owner = _factory.CreateOwnerClient();
        var key = await owner.MintAsync();
        var plaintext = key.Str("key");
        var body = Report(plaintext, "ghp_notOurs0123456789");

        using var response = await PostGitHubAsync(body, GitHubKeyId, _github.Sign(GitHubKeyId, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(plaintext, text, StringComparison.Ordinal);
        var labels = JsonDocument.Parse(text).RootElement.EnumerateArray().ToArray();
        Assert.Equal(Sha256Hex(plaintext), labels[0].Str("token_hash"));
        Assert.Equal("agw_api_key", labels[0].Str("token_type"));
        Assert.Equal("true_positive", labels[0].Str("label"));
        Assert.Equal("false_positive", labels[1].Str("label"));
        var record = await owner.GetJsonAsync($"/v1/keys/{key.Str("id")}");
        Assert.Equal("revoked", record.Str("status"));
        Assert.Equal("github", record.Str("leakSource"));
        var audit = await owner.GetJsonAsync($"/v1/audit?keyId={key.Str("id")}&action=key.leaked");
        var actor = audit.GetProperty("items")[0].GetProperty("actor");
        Assert.Equal("github", actor.Str("id"));
        Assert.Equal("GitHub secret scanning", actor.Str("name"));
    }

    [Fact]
    public async Task GitHub_BadOrMissingSignature_401AndNothingDone()
    {
        using var owner = _factory.CreateOwnerClient();
        var key = await owner.MintAsync();
        var body = Report(key.Str("key"));
        var other = Report(key.Str("key"), "ghp_another");
        var signature = _github.Sign(GitHubKeyId, body);
        var flipped = Convert.FromBase64String(signature);
        flipped[^1] ^= 1;

        var attempts = new (string? KeyId, string? Signature)[]
        {
            (null, signature),                                           // no key id
            (GitHubKeyId, null),                                         // no signature
            ("unknown-key-id", signature),                               // a key GitHub never published
            (GitHubKeyId, _github.Sign("attacker", body)),               // signed by another key
            (GitHubKeyId, _github.Sign(GitHubKeyId, other)),             // this body replayed with another report's signature
            (GitHubKeyId, Convert.ToBase64String(flipped)),
            (GitHubKeyId, "not base64!"),
            (GitHubKeyId, ""),
        };
        foreach (var (keyId, sig) in attempts)
        {
            using var response = await PostGitHubAsync(body, keyId, sig);
            await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
        }

        var record = await owner.GetJsonAsync($"/v1/keys/{key.Str("id")}");
        Assert.Equal("active", record.Str("status"));
        Assert.Equal(JsonValueKind.Null, record.GetProperty("leakedAt").ValueKind);
    }

    [Fact]
    public async Task GitHub_KeysFileRewritten_NewKeyVerifiesAndTheDroppedOneNoLonger()
    {
        var body = Report("ghp_whatever");
        using (var first = await PostGitHubAsync(body, GitHubKeyId, _github.Sign(GitHubKeyId, body)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        _github.WriteDocument(_keysFile, "rotated-key");

        using (var rotated = await PostGitHubAsync(body, "rotated-key", _github.Sign("rotated-key", body)))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }
        using var dropped = await PostGitHubAsync(body, GitHubKeyId, _github.Sign(GitHubKeyId, body));
        Assert.Equal(HttpStatusCode.Unauthorized, dropped.StatusCode);
    }

    [Fact]
    public async Task GitHub_UnknownKeyIdOrOversizedSignature_401AndNoPlaceInTheGateTaken()
    {
        var body = Report("ghp_whatever");

        using var unknownAnswer = await PostGitHubAsync(body, "not-a-github-key", _github.Sign(GitHubKeyId, body));
        using var oversizedAnswer = await PostGitHubAsync(body, GitHubKeyId, new string('A', LeaksEndpoints.MaxSignatureLength + 4));

        await ApiAssert.ProblemAsync(unknownAnswer, HttpStatusCode.Unauthorized);
        await ApiAssert.ProblemAsync(oversizedAnswer, HttpStatusCode.Unauthorized);
        Assert.Equal(GitHubReportGate.MaxInFlight, _factory.Services.GetRequiredService<GitHubReportGate>().Available);
    }

    [Fact]
    public async Task GitHub_ReportsInFlightAtTheBound_503WithRetryAfterAndTheStoreUntouched()
    {
        var gate = _factory.Services.GetRequiredService<GitHubReportGate>();
        var held = Enumerable.Range(0, GitHubReportGate.MaxInFlight).Select(_ => gate.TryEnter()).ToList();
        try
        {
            Assert.All(held, lease => Assert.True(lease.IsAcquired));
            using var owner = _factory.CreateOwnerClient();
            var key = await owner.MintAsync();
            var body = Report(key.Str("key"));

            using var refused = await PostGitHubAsync(body, GitHubKeyId, _github.Sign(GitHubKeyId, body));

            await ApiAssert.ProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "Too many reports in flight");
            Assert.Equal("5", refused.Headers.GetValues("Retry-After").Single());
            Assert.Equal("active", (await owner.GetJsonAsync($"/v1/keys/{key.Str("id")}")).Str("status"));
        }
        finally
        {
            held.ForEach(lease => lease.Dispose());
        }
    }

    [Fact]
    public async Task GitHub_FindingUrlNotAPlainHttpUrl_KeyStillRevokedAndTheUrlNotStored()
    {
        using var owner = _factory.CreateOwnerClient();
        var key = await owner.MintAsync();
        var body = Encoding.UTF8.GetBytes(new JsonArray(new JsonObject
        {
            ["token"] = key.Str("key"), ["type"] = "agw_api_key", ["url"] = "javascript:alert(1)\u202e<script>", ["source"] = "content",
        }).ToJsonString());

        using var response = await PostGitHubAsync(body, GitHubKeyId, _github.Sign(GitHubKeyId, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var audit = await owner.GetJsonAsync($"/v1/audit?keyId={key.Str("id")}&action=key.leaked");
        var details = audit.GetProperty("items")[0].GetProperty("details");
        Assert.False(details.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String, details.GetRawText());
        Assert.Equal("revoked", (await owner.GetJsonAsync($"/v1/keys/{key.Str("id")}")).Str("status"));
    }

    [Fact]
    public async Task GitHub_SettingUnset_404()
    {
        _factory.With("Leaks:GitHubPublicKeysFile", null);
        var body = Report("ghp_whatever");
        using var response = await PostGitHubAsync(body, GitHubKeyId, _github.Sign(GitHubKeyId, body));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static byte[] Report(params string[] tokens) => Encoding.UTF8.GetBytes(new JsonArray([.. tokens.Select(t => (JsonNode)new JsonObject
    {
        ["token"] = t, ["type"] = "agw_api_key", ["url"] = "https://github.com/octo/repo/blob/abc/app.env", ["source"] = "content",
    })]).ToJsonString());

    private Task<HttpResponseMessage> PostGitHubAsync(byte[] body, string? keyId, string? signature) =>
        PostGitHubAsync(new ByteArrayContent(body), keyId, signature);

    private async Task<HttpResponseMessage> PostGitHubAsync(HttpContent content, string? keyId, string? signature)
    {
        using var client = _factory.CreateClient(credential: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/leaks/github") { Content = content };
        request.Content.Headers.ContentType = new("application/json");
        if (keyId is not null)
        {
            request.Headers.TryAddWithoutValidation("Github-Public-Key-Identifier", keyId);
        }
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Github-Public-Key-Signature", signature);
        }
        return await client.SendAsync(request, Ct);
    }

    private static string Sha256Hex(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>An <see cref="IKeyStore"/> whose every call fails: proves a code path never reaches the store.</summary>
    public class FailingStore : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException($"The store was called: {targetMethod?.Name}");
    }
}
