using System.Net;
using ApiGateway.Gateway.Proxy;
using ApiGateway.Gateway.Scopes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>The routes file is reloaded when it changes; a bad reload is refused and the last good routes keep serving.</summary>
public sealed class RoutesReloadTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string Widgets = """
        ,
        "widgets": { "ClusterId": "main", "Match": { "Path": "/v1/widgets/{**rest}" }, "Metadata": { "Resource": "widgets" } }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RoutesFileMonitor Monitor => factory.Services.GetRequiredService<RoutesFileMonitor>();

    private static async Task PollUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met before the deadline");
            await Task.Yield();
            await Task.Delay(20, Ct); // polling a file watcher's effect, not waiting for a fixed time
        }
    }

    private async Task<HttpStatusCode> GetAsync(string key, string path)
    {
        using var client = factory.CreateKeyClient(key);
        using var response = await client.GetAsync(path, Ct);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> PollStatusAsync(string key, string path, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        while ((status = await GetAsync(key, path)) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }
        return status;
    }

    [Fact]
    public async Task Reload_ValidThenGarbageThenInvalidThenValid_KeepsLastGoodConfig()
    {
        var key = await factory.MintAsync(["contacts:read", "widgets:read"]);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(key.Plaintext, "/v1/contacts/1"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsync(key.Plaintext, "/v1/widgets/1"));

        // A new route appears.
        factory.WriteRoutes(TestRoutes.Json(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress, Widgets));
        Assert.Equal(HttpStatusCode.OK, await PollStatusAsync(key.Plaintext, "/v1/widgets/1", HttpStatusCode.OK));

        // Garbage JSON: refused, both routes keep serving.
        var rejected = Monitor.Rejected;
        factory.WriteRoutes("{ \"ReverseProxy\": { \"Routes\": ");
        await PollUntilAsync(() => Monitor.Rejected > rejected);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(key.Plaintext, "/v1/contacts/1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(key.Plaintext, "/v1/widgets/1"));

        // Valid JSON, invalid scope metadata (and widgets dropped): refused as a whole.
        rejected = Monitor.Rejected;
        var invalid = TestRoutes.Json(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress)
            .Replace("\"Resource\": \"contacts\"", "\"Scopes\": \"Contacts:Read\"", StringComparison.Ordinal);
        factory.WriteRoutes(invalid);
        await PollUntilAsync(() => Monitor.Rejected > rejected);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(key.Plaintext, "/v1/contacts/1"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(key.Plaintext, "/v1/widgets/1"));

        // A route with no scope metadata at all is refused too (deny by default).
        rejected = Monitor.Rejected;
        factory.WriteRoutes(TestRoutes.Json(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress,
            ",\n\"open\": { \"ClusterId\": \"main\", \"Match\": { \"Path\": \"/v1/open\" } }"));
        await PollUntilAsync(() => Monitor.Rejected > rejected);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(key.Plaintext, "/v1/widgets/1"));

        // The watcher still works after refusals: the next good file applies (widgets removed).
        factory.WriteRoutes(TestRoutes.Json(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress));
        Assert.Equal(HttpStatusCode.NotFound, await PollStatusAsync(key.Plaintext, "/v1/widgets/1", HttpStatusCode.NotFound));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(key.Plaintext, "/v1/contacts/1"));
    }

    [Fact]
    public async Task Reload_InvalidCost_RefusedAndLoggedNamingTheRouteOldCostKept()
    {
        var key = await factory.MintAsync(["search:read"]);
        static string Search(string cost) => $$"""
            ,
            "search": { "ClusterId": "main", "Match": { "Path": "/v1/search" }, "Metadata": { "Resource": "search", "Cost": "{{cost}}" } }
            """;
        factory.WriteRoutes(TestRoutes.Json(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress, Search("5")));
        Assert.Equal(HttpStatusCode.OK, await PollStatusAsync(key.Plaintext, "/v1/search", HttpStatusCode.OK));
        Assert.Equal(5, SearchCost());

        var rejected = Monitor.Rejected;
        factory.WriteRoutes(TestRoutes.Json(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress, Search("1001")));
        await PollUntilAsync(() => Monitor.Rejected > rejected);

        Assert.Contains(factory.Logs.Lines, line => line.Level == LogLevel.Error
            && line.Message.Contains("Route 'search': Metadata 'Cost' must be an integer from 1 to 1000, not '1001'.", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(key.Plaintext, "/v1/search"));
        Assert.Equal(5, SearchCost());

        factory.WriteRoutes(TestRoutes.Json(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress));
        Assert.Equal(HttpStatusCode.NotFound, await PollStatusAsync(key.Plaintext, "/v1/search", HttpStatusCode.NotFound));
    }

    /// <summary>The cost the serving "search" route carries in its parsed policy (what the limiter reads).</summary>
    private int SearchCost()
    {
        var route = factory.Services.GetRequiredService<IProxyStateLookup>().GetRoutes().Single(r => r.Config.RouteId == "search");
        return factory.Services.GetRequiredService<RouteAccessTable>().For(route.Config).Policy.Cost;
    }
}
