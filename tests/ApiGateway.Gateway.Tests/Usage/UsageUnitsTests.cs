using System.Net;
using System.Text.Json;
using ApiGateway.Gateway.Usage;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Usage;

/// <summary>
/// Usage through the real pipeline records, per key and hour, the authenticated requests, the cost units the admitted
/// ones spent (a route's <c>Cost</c>, a verify call's <c>cost</c>) and the refused ones (answered 403 or 429), docs/billing.md.
/// </summary>
public sealed class UsageUnitsTests : IAsyncLifetime
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
    public async Task Pipeline_CostlyRouteRefusalsAndVerify_RecordRequestsUnitsAndRefused()
    {
        // Four requests a minute: enough for the admitted ones below, then a 429.
        var spec = new KeySpec("billing", "ws_bill", ["search:read", "contacts:read"], null, KeyMode.Live, null, null,
            new RateLimitOverride(5, 60), null, [], []);
        var key = (await _factory.Mutations.CreateAsync(spec, GatewayFactory.TestActor, Ct)).Issued!;

        await SendAsync(key.Plaintext, "/v1/search", HttpStatusCode.OK);          // admitted: 5 units
        await SendAsync(key.Plaintext, "/v1/search", HttpStatusCode.OK);          // admitted: 5 units
        await SendAsync(key.Plaintext, "/v1/contacts/1", HttpStatusCode.OK);      // admitted: 1 unit (no Cost)
        await SendAsync(key.Plaintext, "/v1/invoices/1", HttpStatusCode.Forbidden); // refused by scope: no units
        using (var verify = await VerifyAsync(new { key = key.Plaintext, cost = 7 }))
        {
            Assert.Equal("VALID", verify.RootElement.GetProperty("code").GetString()); // admitted: 7 units
        }
        using (var verify = await VerifyAsync(new { key = key.Plaintext, scopes = new[] { "invoices:read" } }))
        {
            Assert.Equal("INSUFFICIENT_SCOPE", verify.RootElement.GetProperty("code").GetString()); // refused, though answered 200
        }
        await SendAsync(key.Plaintext, "/v1/search", HttpStatusCode.OK);          // admitted: 5 units (the 5th request)
        await SendAsync(key.Plaintext, "/v1/search", HttpStatusCode.TooManyRequests); // refused by rate: no units
        await SendAsync(null, "/v1/search", HttpStatusCode.Unauthorized);         // no key: not this key's usage

        await _factory.Services.GetRequiredService<UsageRecorder>().FlushAsync(Ct);

        var hour = UsageHours.Start(_factory.Clock.GetUtcNow());
        var rows = await _factory.Services.GetRequiredService<IUsageStore>().QueryUsageAsync(
            new UsageQuery(hour, hour.AddHours(1), UsageGranularity.Hour), Ct);
        Assert.Equal([new UsageRow(hour, "ws_bill", key.Key.Id, Requests: 8, Units: 23, Refused: 3)], rows);
    }

    private async Task SendAsync(string? key, string path, HttpStatusCode expected)
    {
        using var client = _factory.CreateKeyClient(key);
        using var response = await client.GetAsync(path, Ct);
        Assert.Equal(expected, response.StatusCode);
    }

    private Task<JsonDocument> VerifyAsync(object body) => _factory.VerifyAsync(body, Ct);
}
