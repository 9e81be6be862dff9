using System.Net;
using System.Text.Json;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// docs/rate-limits.md "Request cost" through the real pipeline: a route's <c>Cost</c> (and a verify call's <c>cost</c>)
/// spends that many units of the key's and the workspace's quotas, one request of each rate limit; a quota with fewer
/// units left refuses with a 429 and spends nothing.
/// </summary>
public sealed class RequestCostTests : IAsyncLifetime
{
    private readonly GatewayFactory _factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _factory.InitializeAsync();
        _factory.WriteRoutes(TestRoutes.Json(_factory.Upstream.BaseAddress, _factory.Sandbox.BaseAddress, TestRoutes.CostlySearch));
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task CostlyRoute_SpendsUnitsOfKeyAndWorkspaceQuotas_TooFewLeftIs429SpendingNothing()
    {
        var workspace = "ws_cost_" + Guid.NewGuid().ToString("N")[..8];
        await _factory.Services.GetRequiredService<WorkspaceLimitsService>().SetAsync(workspace,
            new WorkspaceLimitsSpec(null, null, new QuotaOverride(20, null)), GatewayFactory.TestActor, Ct);
        var spec = new KeySpec("cost", workspace, ["search:read", "contacts:read"], null, KeyMode.Live, null, null,
            new RateLimitOverride(100, 60), new QuotaOverride(12, null), [], []);
        var key = (await _factory.Mutations.CreateAsync(spec, GatewayFactory.TestActor, Ct)).Issued!;

        var first = await SendAsync(key.Plaintext, "/v1/search");
        var second = await SendAsync(key.Plaintext, "/v1/search");
        var refused = await SendAsync(key.Plaintext, "/v1/search");
        var cheap = await SendAsync(key.Plaintext, "/v1/contacts/1");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("\"key\";r=99;t=1, \"daily\";r=7;t=86400, \"workspace-daily\";r=15;t=86400", first.RateLimit);
        Assert.Equal("\"key\";r=98;t=2, \"daily\";r=2;t=86400, \"workspace-daily\";r=10;t=86400", second.RateLimit);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("\"key\";r=98;t=2, \"daily\";r=2;t=86400, \"workspace-daily\";r=10;t=86400", refused.RateLimit);
        Assert.Contains("The key's daily quota of 12 units is spent.", refused.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cheap.Status);
        Assert.Equal("\"key\";r=97;t=2, \"daily\";r=1;t=86400, \"workspace-daily\";r=9;t=86400", cheap.RateLimit);

        using var tooCostly = await VerifyAsync(new { key = key.Plaintext, cost = 2 });
        using var affordable = await VerifyAsync(new { key = key.Plaintext, cost = 1 });
        Assert.Equal("USAGE_EXCEEDED", tooCostly.RootElement.GetProperty("code").GetString());
        Assert.Equal("VALID", affordable.RootElement.GetProperty("code").GetString());
        var after = await SendAsync(key.Plaintext, "/v1/contacts/1");
        Assert.Equal(HttpStatusCode.TooManyRequests, after.Status);
        Assert.EndsWith("\"daily\";r=0;t=86400, \"workspace-daily\";r=8;t=86400", after.RateLimit, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string RateLimit, string Body)> SendAsync(string key, string path)
    {
        using var client = _factory.CreateKeyClient(key);
        using var response = await client.GetAsync(path, Ct);
        return (response.StatusCode, response.Headers.GetValues("RateLimit").Single(), await response.Content.ReadAsStringAsync(Ct));
    }

    private Task<JsonDocument> VerifyAsync(object body) => _factory.VerifyAsync(body, Ct);
}
