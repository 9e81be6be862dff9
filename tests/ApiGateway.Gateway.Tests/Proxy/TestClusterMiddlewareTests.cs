using System.Net;
using ApiGateway.Keys.Format;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// Test keys go to the route's <c>TestCluster</c>, live keys to the route's cluster, through the real gateway and two real
/// upstreams. A <c>TestCluster</c> the routes file does not define fails closed: test traffic never reaches live.
/// </summary>
public sealed class TestClusterMiddlewareTests : IAsyncLifetime
{
    private const string DraftsRoute = """
        ,
        "drafts": { "ClusterId": "main", "Match": { "Path": "/v1/drafts/{**rest}" }, "Metadata": { "Resource": "drafts", "TestCluster": "nowhere" } }
        """;

    private readonly GatewayFactory _factory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _factory.InitializeAsync();
        _factory.WriteRoutes(TestRoutes.Json(_factory.Upstream.BaseAddress, _factory.Sandbox.BaseAddress, DraftsRoute));
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private async Task<HttpResponseMessage> GetAsync(KeyMode mode, string scope, string path)
    {
        var key = await _factory.MintAsync([scope], mode: mode);
        using var client = _factory.CreateKeyClient(key.Plaintext);
        return await client.GetAsync(path, Ct);
    }

    [Fact]
    public async Task TestKey_RouteNamesAnUndefinedCluster_503ProblemAndNothingForwarded()
    {
        using var response = await GetAsync(KeyMode.Test, "drafts:read", "/v1/drafts/1");

        await ProblemAssert.HasAsync(response, 503, "Upstream unavailable", "upstream-unavailable");
        Assert.DoesNotContain(_factory.Upstream.Received, r => r.Path == "/v1/drafts/1");
        Assert.DoesNotContain(_factory.Sandbox.Received, r => r.Path == "/v1/drafts/1");
    }

    [Fact]
    public async Task LiveKey_RouteNamesAnUndefinedTestCluster_ForwardedToTheRoutesCluster()
    {
        using var response = await GetAsync(KeyMode.Live, "drafts:read", "/v1/drafts/2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_factory.Upstream.Received, r => r.Path == "/v1/drafts/2");
    }

    [Fact]
    public async Task TestKey_RouteWithATestCluster_ForwardedThereOnly()
    {
        using var response = await GetAsync(KeyMode.Test, "orders:read", "/v1/orders/3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_factory.Sandbox.Received, r => r.Path == "/v1/orders/3");
        Assert.DoesNotContain(_factory.Upstream.Received, r => r.Path == "/v1/orders/3");
    }

    [Fact]
    public async Task TestKey_RouteWithoutATestCluster_ForwardedToTheRoutesCluster()
    {
        using var response = await GetAsync(KeyMode.Test, "contacts:read", "/v1/contacts/4");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(_factory.Upstream.Received, r => r.Path == "/v1/contacts/4");
        Assert.DoesNotContain(_factory.Sandbox.Received, r => r.Path == "/v1/contacts/4");
    }
}
