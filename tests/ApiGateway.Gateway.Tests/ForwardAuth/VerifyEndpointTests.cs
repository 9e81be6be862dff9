using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.ForwardAuth;

/// <summary>
/// <c>POST /v1/verify</c> on the forward-auth listener (docs/forward-auth.md): every code, the identity and limit fields,
/// spending like a request, bad input as a 400/413 that spends nothing, and no answer on the public listener.
/// </summary>
public sealed class VerifyEndpointTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_GoodKey_ValidWithIdentityAndLimits()
    {
        var expires = factory.Clock.GetUtcNow().AddDays(3);
        var key = await factory.MintAsync(["contacts:read", "contacts:write"], workspaceId: "ws_v", owner: "user_9", expiresAt: expires);

        using var json = await VerifyAsync(new { key = key.Plaintext, scopes = new[] { "contacts:read" } });

        var root = json.RootElement;
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal("VALID", root.GetProperty("code").GetString());
        Assert.Equal(key.Key.Id, root.GetProperty("keyId").GetString());
        Assert.Equal("ws_v", root.GetProperty("workspaceId").GetString());
        Assert.Equal("user_9", root.GetProperty("owner").GetString());
        Assert.Equal("live", root.GetProperty("mode").GetString());
        Assert.Equal(["contacts:read", "contacts:write"], root.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).Order());
        Assert.Equal(expires, root.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(100, root.GetProperty("ratelimit").GetProperty("limit").GetInt64());
        Assert.Equal(99, root.GetProperty("ratelimit").GetProperty("remaining").GetInt64());
        Assert.InRange(root.GetProperty("ratelimit").GetProperty("resetSeconds").GetInt64(), 0, 60);
        Assert.DoesNotContain(key.Plaintext, root.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SpendsTheSameBucketAsRequests()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        (await VerifyAsync(new { key = key.Plaintext })).Dispose();
        using (var client = factory.CreateKeyClient(key.Plaintext))
        using (var edge = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.StartsWith("\"free\";r=98;", string.Join(",", edge.Headers.GetValues("RateLimit")), StringComparison.Ordinal);
        }
        using var json = await VerifyAsync(new { key = key.Plaintext });
        Assert.Equal(97, json.RootElement.GetProperty("ratelimit").GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task Verify_UnknownRevokedMalformedMissing_AllInvalidAndIdentical()
    {
        var unknown = factory.Services.GetRequiredService<KeyFormat>().Mint(KeyMode.Live);
        var revoked = await factory.MintAsync(["contacts:read"]);
        await factory.Mutations.RevokeAsync(revoked.Key.Id, GatewayFactory.TestActor, Ct);

        var answers = new List<string>();
        foreach (var key in new[] { unknown, revoked.Plaintext, "agw_live_short", "", "Bearer x" })
        {
            using var json = await VerifyAsync(new { key });
            answers.Add(json.RootElement.GetRawText());
        }
        Assert.All(answers, a => Assert.Equal("{\"valid\":false,\"code\":\"INVALID\"}", a));
    }

    [Fact]
    public async Task Verify_ExpiredKey_Expired()
    {
        var key = await factory.MintAsync(["contacts:read"], expiresAt: factory.Clock.GetUtcNow().AddMinutes(1));
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        using var json = await VerifyAsync(new { key = key.Plaintext });
        Assert.Equal("EXPIRED", json.RootElement.GetProperty("code").GetString());
        Assert.False(json.RootElement.TryGetProperty("keyId", out _));
    }

    [Fact]
    public async Task Verify_DisabledKey_Disabled()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        await factory.DisableAsync(key.Key.Id);
        factory.AdvancePoll();
        using var json = await VerifyAsync(new { key = key.Plaintext });
        Assert.Equal("DISABLED", json.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(null, "IP_DENIED")]          // an allow-listed key with no client address named: fail closed
    [InlineData("198.51.100.1", "IP_DENIED")]
    [InlineData("203.0.113.7", "VALID")]
    public async Task Verify_AllowList_ChecksTheGivenIp(string? ip, string code)
    {
        var key = await factory.MintAsync(["contacts:read"], allowedIps: ["203.0.113.7/32"]);
        using var json = await VerifyAsync(new { key = key.Plaintext, ip });
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        Assert.Equal(key.Key.Id, json.RootElement.GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task Verify_Workspace_SelectedOrDenied()
    {
        var key = await factory.MintAsync(["contacts:read"], workspaceId: "ws_a", workspaces: ["ws_b"]);
        using var held = await VerifyAsync(new { key = key.Plaintext, workspaceId = "ws_b" });
        using var notHeld = await VerifyAsync(new { key = key.Plaintext, workspaceId = "ws_z" });
        Assert.Equal(("VALID", "ws_b"), (held.RootElement.GetProperty("code").GetString(), held.RootElement.GetProperty("workspaceId").GetString()));
        Assert.Equal("WORKSPACE_DENIED", notHeld.RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Verify_Scopes_AllRequired()
    {
        var key = await factory.MintAsync(["contacts:read", "*:read"]);
        using var ok = await VerifyAsync(new { key = key.Plaintext, scopes = new[] { "contacts:read", "invoices:read" } });
        using var missing = await VerifyAsync(new { key = key.Plaintext, scopes = new[] { "contacts:read", "contacts:write" } });
        Assert.Equal("VALID", ok.RootElement.GetProperty("code").GetString());
        Assert.Equal("INSUFFICIENT_SCOPE", missing.RootElement.GetProperty("code").GetString());
        Assert.False(missing.RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Verify_RateSpent_RateLimitedThenQuotaSpent_UsageExceeded()
    {
        var rate = await MintLimitedAsync(new RateLimitOverride(1, 3600), null);
        (await VerifyAsync(new { key = rate.Plaintext })).Dispose();
        using var limited = await VerifyAsync(new { key = rate.Plaintext });
        Assert.Equal("RATE_LIMITED", limited.RootElement.GetProperty("code").GetString());
        Assert.Equal(0, limited.RootElement.GetProperty("ratelimit").GetProperty("remaining").GetInt64());

        var quota = await MintLimitedAsync(null, new QuotaOverride(1, null));
        (await VerifyAsync(new { key = quota.Plaintext })).Dispose();
        using var exceeded = await VerifyAsync(new { key = quota.Plaintext });
        Assert.Equal("USAGE_EXCEEDED", exceeded.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"key\": 5}")]
    [InlineData("{\"key\": \"k\", \"scopes\": \"contacts:read\"}")]
    [InlineData("{\"key\": \"k\", \"scopes\": [\"*\"]}")]
    [InlineData("{\"key\": \"k\", \"scopes\": [\"a,b:c\"]}")]
    [InlineData("{\"key\": \"k\", \"cost\": 0}")]
    [InlineData("{\"key\": \"k\", \"cost\": 1001}")]
    [InlineData("{\"key\": \"k\", \"cost\": 1.5}")]
    [InlineData("{\"key\": \"k\", \"cost\": \"5\"}")]
    [InlineData("{\"key\": \"k\", \"ip\": \"not-an-ip\"}")]
    [InlineData("{\"key\": \"k\", \"workspaceId\": \"\"}")]
    public async Task Verify_BadBody_Returns400Problem(string body)
    {
        using var response = await PostAsync(body);
        await ProblemAssert.HasAsync(response, 400, "Invalid verify request", "invalid-verify-request");
    }

    [Theory]
    [InlineData("{{\"key\": \"x\", \"key\": \"{0}\"}}", "key")]
    [InlineData("{{\"key\": \"{0}\", \"key\": \"x\"}}", "key")]
    [InlineData("{{\"key\": \"{0}\", \"workspaceId\": \"ws_a\", \"workspaceId\": \"ws_b\"}}", "workspaceId")]
    [InlineData("{{\"key\": \"{0}\", \"scopes\": [], \"scopes\": [\"contacts:read\"]}}", "scopes")]
    [InlineData("{{\"key\": \"{0}\", \"ip\": \"203.0.113.7\", \"ip\": null}}", "ip")]
    public async Task Verify_RepeatedField_Returns400NamingItAndSpendsNothing(string template, string field)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using (var response = await PostAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, key.Plaintext)))
        {
            await ProblemAssert.HasAsync(response, 400, "Invalid verify request", "invalid-verify-request");
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.Contains($"'{field}' appears more than once", body, StringComparison.Ordinal);
            Assert.DoesNotContain(key.Plaintext, body, StringComparison.Ordinal);
        }
        using var json = await VerifyAsync(new { key = key.Plaintext });
        Assert.Equal(99, json.RootElement.GetProperty("ratelimit").GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task Verify_BadBodyWithAGoodKey_SpendsNothing()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using (var bad = await PostAsync($"{{\"key\": \"{key.Plaintext}\", \"cost\": 0}}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.DoesNotContain(key.Plaintext, await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        using var json = await VerifyAsync(new { key = key.Plaintext });
        Assert.Equal(99, json.RootElement.GetProperty("ratelimit").GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task Verify_HugeBody_Returns413()
    {
        using var response = await PostAsync("{\"key\": \"" + new string('a', 100_000) + "\"}");
        await ProblemAssert.HasAsync(response, 413, "Request body too large", "request-body-too-large");
    }

    [Fact]
    public async Task Verify_OnThePublicListener_IsNotAnswered()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(null);
        using var response = await client.PostAsJsonAsync("/v1/verify", new { key = key.Plaintext }, Ct);
        await ProblemAssert.HasAsync(response, 404, "Not Found", "not-found");
    }

    private async Task<IssuedKey> MintLimitedAsync(RateLimitOverride? rate, QuotaOverride? quota)
    {
        var spec = new KeySpec("verify", "ws_main", ["contacts:read"], null, KeyMode.Live, null, null, rate, quota, [], []);
        var result = await factory.Mutations.CreateAsync(spec, GatewayFactory.TestActor, Ct);
        return result.Issued!;
    }

    private Task<JsonDocument> VerifyAsync(object body) => factory.VerifyAsync(body, Ct);

    private Task<HttpResponseMessage> PostAsync(string body) => factory.PostVerifyAsync(body, Ct);
}
