using ApiGateway.Gateway.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace ApiGateway.Gateway.Tests.WebSockets;

/// <summary>
/// An HTTP/2 WebSocket handshake (RFC 8441 extended CONNECT, simulated here by the feature Kestrel sets) takes the scope
/// of its HTTP/1.1 form, a GET: a route that maps only GET accepts it. A plain CONNECT is judged as CONNECT, and an
/// extended CONNECT for another protocol is an upgrade the gateway never forwards. The end-to-end tests run the real
/// thing over TLS (EndToEnd.Tests, Gateway/WebSocketTests).
/// </summary>
public sealed class Http2WebSocketScopeTests
{
    private const string WebSocketRoute = """
        ,
        "ws": { "ClusterId": "main", "Match": { "Path": "/v1/ws/{**rest}" }, "Metadata": { "Scopes.GET": "ws:read", "WebSockets": "true" } }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExtendedConnectWebSocket_KeyWithOnlyTheGetScope_IsForwardedAsTheHandshake()
    {
        await using var factory = await StartAsync();
        var key = await factory.MintAsync(["ws:read"]);

        var context = await SendAsync(factory, key.Plaintext, "/v1/ws/chat", new ExtendedConnect("websocket"));

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        var forwarded = Assert.Single(factory.Upstream.Received, r => r.Path == "/v1/ws/chat");
        Assert.Equal("GET", forwarded.Method);
    }

    [Fact]
    public async Task PlainConnect_KeyWithOnlyTheGetScope_IsRefusedAndNotForwarded()
    {
        await using var factory = await StartAsync();
        var key = await factory.MintAsync(["ws:read"]);

        var context = await SendAsync(factory, key.Plaintext, "/v1/ws/plain", connect: null);

        // The method allow-list (Proxy/AllowedMethods.cs) refuses it before any key check; extended CONNECT passed it above.
        Assert.Equal(StatusCodes.Status501NotImplemented, context.Response.StatusCode);
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path == "/v1/ws/plain");
    }

    [Fact]
    public async Task ExtendedConnectOtherProtocol_OnWebSocketsRoute_Is400UpgradeNotAllowed()
    {
        await using var factory = await StartAsync();
        var key = await factory.MintAsync(["ws:read"]);

        var context = await SendAsync(factory, key.Plaintext, "/v1/ws/udp", new ExtendedConnect("connect-udp"));

        Assert.Equal(GatewayProblems.UpgradeNotAllowed.Status, context.Response.StatusCode);
        Assert.DoesNotContain(factory.Upstream.Received, r => r.Path == "/v1/ws/udp");
    }

    private static async Task<GatewayFactory> StartAsync()
    {
        var factory = new GatewayFactory();
        await factory.InitializeAsync();
        factory.WriteRoutes(TestRoutes.Json(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress, WebSocketRoute));
        return factory;
    }

    private static Task<HttpContext> SendAsync(GatewayFactory factory, string key, string path, ExtendedConnect? connect) =>
        factory.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Connect;
            context.Request.Path = path;
            context.Request.Headers.Authorization = $"Bearer {key}";
            context.Request.Headers.SecWebSocketVersion = "13";
            if (connect is not null)
            {
                context.Features.Set<IHttpExtendedConnectFeature>(connect);
            }
        }, Ct);

    /// <summary>What Kestrel sets on an HTTP/2 request with a <c>:protocol</c> pseudo-header.</summary>
    private sealed class ExtendedConnect(string protocol) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => true;

        public string? Protocol => protocol;

        public ValueTask<Stream> AcceptAsync() => throw new NotSupportedException("TestServer cannot accept a stream.");
    }
}
