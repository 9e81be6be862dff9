using System.Net;
using ApiGateway.Keys.Format;

namespace ApiGateway.Gateway.Tests.Transforms;

/// <summary>What reaches the upstream: the verified identity, never a client's copy of it, never the key.</summary>
public sealed class IdentityHeadersTransformProviderTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Spoofed =
        ["X-Workspace-Id", "x-api-key-id", "X-API-KEY-MODE", "X-Api-Key-Owner", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    /// <summary>
    /// Every identity header sent by the client. On key routes X-Workspace-Id is a workspace selector (a foreign value
    /// is a 403), so there the client sends the key's own workspace in a different case of the header name.
    /// </summary>
    private static HttpRequestMessage SpoofedRequest(HttpMethod method, string path, string? ownWorkspace = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (ownWorkspace is not null)
        {
            request.Headers.TryAddWithoutValidation("x-WORKSPACE-id", ownWorkspace);
        }
        foreach (var name in ownWorkspace is null ? Spoofed : Spoofed.Skip(1))
        {
            request.Headers.TryAddWithoutValidation(name, ["spoof-1", "spoof-2"]);
        }
        return request;
    }

    [Fact]
    public async Task Forward_SpoofedIdentityHeaders_ReplacedByVerifiedIdentity()
    {
        var key = await factory.MintAsync(["contacts:read"], workspaceId: "ws_real", owner: "user_42");
        using var client = factory.CreateKeyClient(key.Plaintext);
        using var request = SpoofedRequest(HttpMethod.Get, "/v1/contacts/spoof", "ws_real");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var received = factory.Upstream.Received.Last(r => r.Path == "/v1/contacts/spoof");
        Assert.Equal("ws_real", Assert.Single(received.Headers["X-Workspace-Id"]));
        Assert.Equal(key.Key.Id, Assert.Single(received.Headers["X-Api-Key-Id"]));
        Assert.Equal("live", Assert.Single(received.Headers["X-Api-Key-Mode"]));
        Assert.Equal("user_42", Assert.Single(received.Headers["X-Api-Key-Owner"]));
        Assert.Null(received.Header("Authorization"));
        Assert.Null(received.Header("X-HTTP-Method-Override"));
        Assert.Null(received.Header("X-HTTP-Method"));
        Assert.Null(received.Header("X-Method-Override"));
        Assert.DoesNotContain(received.Headers.Values.SelectMany(v => v), v => v is not null && v.Contains(key.Plaintext, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Forward_KeyWithoutOwner_NoOwnerHeader()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using var request = SpoofedRequest(HttpMethod.Get, "/v1/contacts/no-owner", "ws_main");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = factory.Upstream.Received.Last(r => r.Path == "/v1/contacts/no-owner");
        Assert.Null(received.Header("X-Api-Key-Owner"));
    }

    [Fact]
    public async Task Forward_PublicRoute_StripsAndInjectsNothing()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using var request = SpoofedRequest(HttpMethod.Get, "/v1/status");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = factory.Upstream.Received.Last(r => r.Path == "/v1/status");
        foreach (var name in Spoofed.Append("Authorization"))
        {
            Assert.Null(received.Header(name));
        }
    }

    [Fact]
    public async Task Forward_PublicRouteWithBrokenKeyOrQueryKey_StillForwarded()
    {
        using var client = factory.CreateKeyClient("agw_live_garbage");
        using var response = await client.GetAsync("/v1/status?token=x", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Forward_TestKeyOnRouteWithTestCluster_GoesToSandbox()
    {
        var test = await factory.MintAsync(["orders:read"], mode: KeyMode.Test);
        var live = await factory.MintAsync(["orders:read"]);
        using (var client = factory.CreateKeyClient(test.Plaintext))
        using (var response = await client.GetAsync("/v1/orders/test", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var client = factory.CreateKeyClient(live.Plaintext))
        using (var response = await client.GetAsync("/v1/orders/live", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var sandboxed = Assert.Single(factory.Sandbox.Received, r => r.Path == "/v1/orders/test");
        Assert.Equal("test", sandboxed.Header("X-Api-Key-Mode"));
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path == "/v1/orders/test");
        Assert.Contains(factory.Upstream.Received, r => r.Path == "/v1/orders/live");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("valid")]
    public async Task Request_UnmatchedPath_Returns404WithoutForwarding(string? withKey)
    {
        var key = withKey is null ? null : (await factory.MintAsync(["*"])).Plaintext;
        using var client = factory.CreateKeyClient(key);
        var before = factory.Upstream.Received.Count;
        using var response = await client.GetAsync("/v2/unknown/path", Ct);
        await ProblemAssert.HasAsync(response, 404, "Not Found", "not-found");
        using var healthz = await client.GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.NotFound, healthz.StatusCode);
        Assert.Equal(before, factory.Upstream.Received.Count);
    }
}
