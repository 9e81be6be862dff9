using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// Keys from another system, imported through the admin API by the SHA-256 of their plaintext, work at a real gateway
/// (with <c>Keys__ImportedKeyPattern</c> and a pepper, which imported keys ignore) like minted ones: scopes, per-key rate
/// limits, usage, and revocation within 1 s.
/// </summary>
public sealed class ImportedKeyTests : IAsyncLifetime
{
    private const string ForeignToken = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    private const string ForeignTokenOtherScope = "sk_live_9pQ2mXwz7LkT0vBn3RsYc5Ha";

    private ProcessPair _pair = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _pair = await ProcessPair.StartAsync(
        upstream => RoutesFile.Routes(upstream, ("contacts", "/v1/contacts", "contacts:read"), ("invoices", "/v1/invoices", "invoices:read")),
        new Dictionary<string, string> { ["Keys__ImportedKeyPattern"] = "sk_live_[A-Za-z0-9]{24}", ["Keys__Pepper"] = "e2e-pepper-not-used-by-imported-keys" },
        Ct);

    public async ValueTask DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }

    [Fact]
    public async Task ImportedKey_AtTheGateway_ScopesLimitsUsageAndRevocationLikeAMintedKey()
    {
        using var admin = _pair.Admin.CreateClient();
        using var imported = await admin.PostAsJsonAsync(new Uri("/v1/keys/import", UriKind.Relative), new
        {
            keys = new object[]
            {
                new { hash = Sha256Hex(ForeignToken), prefix = ForeignToken[..12], name = "from stripe-like", workspaceId = "ws_e2e",
                    scopes = new[] { "contacts:read" }, rateLimit = new { limit = 3, periodSeconds = 3600 } },
                new { hash = Sha256Hex(ForeignTokenOtherScope), prefix = ForeignTokenOtherScope[..12], name = "other scope", workspaceId = "ws_e2e",
                    scopes = new[] { "invoices:read" } },
            },
        }, Ct);
        var body = await imported.Content.ReadAsStringAsync(Ct);
        Assert.True(imported.StatusCode == HttpStatusCode.Created, $"{imported.StatusCode}: {body} {_pair.Admin.Process.Describe()}");
        using var records = JsonDocument.Parse(body);
        var id = records.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        using var client = _pair.Gateway.CreatePublicClient(ForeignToken);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add(await StatusAsync(client));
        }
        var forwarded = _pair.Upstream.Received.Last(r => r.Path == "/v1/contacts/1");
        using var otherScope = _pair.Gateway.CreatePublicClient(ForeignTokenOtherScope);
        using var wrongScope = await otherScope.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
        using var neither = _pair.Gateway.CreatePublicClient("sk_test_4eC39HqLyjWDarjtT1zdp7dc");
        using var malformed = await neither.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal((id, "ws_e2e"), (forwarded.Header("X-Api-Key-Id"), forwarded.Header("X-Workspace-Id")));
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, malformed.StatusCode);
        Assert.Contains("Invalid API key format", await malformed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var usage = await Poll.UntilAsync(ct => _pair.Gateway.Keys.UsageOfAsync(id, ct), u => u.Last24h >= 3, TimeSpan.FromSeconds(15), Ct);
        Assert.True(usage.Last24h >= 3, $"Usage of the imported key: {usage}.");

        using (var revoked = await admin.DeleteAsync(new Uri($"/v1/keys/{id}", UriKind.Relative), Ct))
        {
            Assert.True(revoked.IsSuccessStatusCode, $"{revoked.StatusCode}: {await revoked.Content.ReadAsStringAsync(Ct)}");
        }
        var sinceRevoke = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            status = await StatusAsync(client);
        }
        while (status != HttpStatusCode.Unauthorized && sinceRevoke.Elapsed < TimeSpan.FromSeconds(5));
        TestContext.Current.TestOutputHelper?.WriteLine($"The imported key's revocation reached the gateway in {sinceRevoke.Elapsed.TotalMilliseconds:F0} ms.");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(sinceRevoke.Elapsed <= TimeSpan.FromSeconds(1), $"Revocation took {sinceRevoke.Elapsed.TotalMilliseconds:F0} ms.");
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/v1/contacts/1", UriKind.Relative), Ct);
        return response.StatusCode;
    }

    private static string Sha256Hex(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
