using System.Net;
using Microsoft.AspNetCore.Http;
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

    /// <summary>
    /// Laravel, Symfony and Rails serve <c>POST ?_method=DELETE</c> as a DELETE: a key that holds only
    /// <c>invoices:write</c> (POST) must not reach the DELETE that needs <c>invoices:delete</c>.
    /// </summary>
    [Fact]
    public async Task Forward_MethodOverrideInQuery_ParameterRemovedAndTheRestKept()
    {
        var key = await factory.MintAsync(["invoices:write"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using var response = await client.PostAsync("/v1/invoices/override?a=1&_method=DELETE&_METHOD=delete&b=2", null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var received = factory.Upstream.Received.Last(r => r.Path == "/v1/invoices/override");
        Assert.Equal("POST", received.Method);
        Assert.DoesNotContain("_method", received.Query, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("a=1", received.Query, StringComparison.Ordinal);
        Assert.Contains("b=2", received.Query, StringComparison.Ordinal);
    }

    /// <summary>Spellings PHP, Rack, old Go and Python read as <c>_method</c>: stripped as well, the rest kept byte for byte.</summary>
    [Theory]
    [InlineData("a=1&.method=DELETE&b=2", "?a=1&b=2")]
    [InlineData("a=1&+_method=DELETE&b=2", "?a=1&b=2")]
    [InlineData("a=1&%20_method=DELETE&b=2", "?a=1&b=2")]
    [InlineData("a=1&_method%00=DELETE&b=2", "?a=1&b=2")]
    [InlineData("a=1;_method=DELETE&b=2", "?a=1&b=2")]
    [InlineData("a=1&_method[]=DELETE;b=2", "?a=1;b=2")]
    [InlineData("_METHOD=DELETE&a=1&b=2", "?a=1&b=2")]
    public async Task Forward_MethodOverrideInQueryOtherSpelling_ParameterRemoved(string query, string forwarded)
    {
        var key = await factory.MintAsync(["invoices:write"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using var response = await client.PostAsync($"/v1/invoices/override-spelling?{query}", null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var received = factory.Upstream.Received.Last(r => r.Path == "/v1/invoices/override-spelling");
        Assert.Equal("POST", received.Method);
        Assert.Equal(forwarded, received.Query);
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
    public async Task Forward_PublicRouteWithBrokenKey_StillForwarded()
    {
        using var client = factory.CreateKeyClient("agw_live_garbage");
        using var response = await client.GetAsync("/v1/status", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A URL with a key in it ends up in logs whatever the route: refused on public routes too.</summary>
    [Theory]
    [InlineData("token=x")]
    [InlineData("api_key=agw_live_x")]
    [InlineData("Api.Key=x")]
    [InlineData("access_token[]=x")]
    public async Task Request_PublicRouteWithQueryKey_Returns400AndNothingForwarded(string query)
    {
        using var client = factory.CreateKeyClient(null);
        var marker = Guid.NewGuid().ToString("N");
        using var response = await client.GetAsync($"/v1/status?m={marker}&{query}", Ct);
        await ProblemAssert.HasAsync(response, 400, "API keys are not accepted in the query string", "key-in-query",
            "Bearer realm=\"api\", error=\"invalid_request\"");
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Query.Contains(marker, StringComparison.Ordinal));
    }

    private static readonly string[] ForwardingHeaders =
        ["Forwarded", "X-Real-IP", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "True-Client-IP"];

    /// <summary>From a peer outside <c>Gateway:TrustedProxies</c>, no client-sent forwarding header survives; the gateway's own X-Forwarded-* describe the connection.</summary>
    [Fact]
    public async Task Forward_UntrustedPeer_ForwardingHeadersReplacedByTheGatewaysOwn()
    {
        var received = await SendFromAsync("203.0.113.9", "untrusted");

        foreach (var name in ForwardingHeaders.Where(n => !n.StartsWith("X-Forwarded-", StringComparison.Ordinal) || n == "X-Forwarded-Port"))
        {
            Assert.Null(received.Header(name));
        }
        Assert.Equal("203.0.113.9", received.Header("X-Forwarded-For"));
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.Equal("gateway.test", received.Header("X-Forwarded-Host"));
        Assert.Null(received.Header("X_Real_IP"));
    }

    /// <summary>From a trusted proxy its forwarding headers are believed and passed on; its X-Forwarded-For chain is extended with the proxy itself.</summary>
    [Fact]
    public async Task Forward_TrustedProxy_ForwardingHeadersPassAndChainExtended()
    {
        var received = await SendFromAsync("10.1.2.3", "trusted");

        Assert.Equal("for=198.51.100.7;proto=https", received.Header("Forwarded"));
        Assert.Equal("198.51.100.7", received.Header("X-Real-IP"));
        Assert.Equal("198.51.100.7", received.Header("True-Client-IP"));
        Assert.Equal("198.51.100.7,10.1.2.3", received.Header("X-Forwarded-For")?.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("https", received.Header("X-Forwarded-Proto"));
        Assert.Equal("api.example.com", received.Header("X-Forwarded-Host"));
        Assert.Equal("443", received.Header("X-Forwarded-Port"));
        Assert.Null(received.Header("X_Real_IP")); // a client's disguise, even through a trusted proxy
    }

    private async Task<TestKit.ReceivedRequest> SendFromAsync(string remoteIp, string marker)
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/v1/status";
            c.Request.QueryString = new QueryString($"?m={marker}");
            c.Request.Host = new HostString("gateway.test");
            c.Connection.RemoteIpAddress = IPAddress.Parse(remoteIp);
            var headers = c.Request.Headers;
            headers["Forwarded"] = "for=198.51.100.7;proto=https";
            headers["X-Real-IP"] = "198.51.100.7";
            headers["True-Client-IP"] = "198.51.100.7";
            headers["X-Forwarded-For"] = "198.51.100.7";
            headers["X-Forwarded-Proto"] = "https";
            headers["X-Forwarded-Host"] = "api.example.com";
            headers["X-Forwarded-Port"] = "443";
            headers["X_Real_IP"] = "6.6.6.6";
        }, Ct);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        return factory.Upstream.Received.Last(r => r.Query == $"?m={marker}");
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
