using System.Net;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Tests.Authentication;
using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Scopes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Gateway.Tests.WebSockets;

/// <summary>
/// The three WebSocket steps one at a time on a bare pipeline (the gateway runs them in Http2WebSocketScopeTests and
/// OpenTunnelsTests): an HTTP/2 handshake routed as GET, every upgrade but an allowed WebSocket refused before any key
/// check, and a handshake with a key held in <see cref="OpenTunnels"/> exactly as long as its forward.
/// </summary>
public sealed class WebSocketsMiddlewareTests
{
    private static readonly RouteAccess WebSocketRoute = Route(webSockets: true);
    private static readonly RouteAccess PlainRoute = Route(webSockets: false);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RouteAccess Route(bool webSockets)
    {
        var policy = RouteScopePolicy.Parse(new Dictionary<string, string> { ["Scopes"] = "chat:read" }, out var problems);
        Assert.Empty(problems);
        return new RouteAccess("chat", policy, webSockets);
    }

    private static DefaultHttpContext Request(string method = "GET", string? upgrade = null, RouteAccess? route = null, string? extendedConnect = null)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Request.Method = method;
        context.Response.Body = new MemoryStream();
        if (upgrade is not null)
        {
            context.Request.Headers.Upgrade = upgrade;
            context.Features.Set<IHttpUpgradeFeature>(new UpgradeFeature());
        }
        if (extendedConnect is not null)
        {
            context.Features.Set<IHttpExtendedConnectFeature>(new ExtendedConnectFeature(extendedConnect));
        }
        if (route is not null)
        {
            context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(route), route.RouteId));
        }
        return context;
    }

    private static (RequestDelegate Pipeline, Func<bool> Reached) Build(Action<IApplicationBuilder> step, IServiceProvider? services = null, RequestDelegate? end = null)
    {
        var reached = false;
        var app = new ApplicationBuilder(services ?? new ServiceCollection().BuildServiceProvider());
        step(app);
        app.Run(context =>
        {
            reached = true;
            return end?.Invoke(context) ?? Task.CompletedTask;
        });
        return (app.Build(), () => reached);
    }

    [Fact]
    public async Task UseHttp2WebSocketsAsGet_ExtendedConnectWebSocket_RoutedAsGet()
    {
        var (pipeline, reached) = Build(app => app.UseHttp2WebSocketsAsGet());
        var context = Request(HttpMethods.Connect, extendedConnect: "websocket");

        await pipeline(context);

        Assert.True(reached());
        Assert.Equal(HttpMethods.Get, context.Request.Method);
    }

    [Theory]
    [InlineData(null)]           // a plain CONNECT: judged as CONNECT (the method allow-list refuses it)
    [InlineData("connect-udp")]  // another protocol: the upgrade step refuses it
    public async Task UseHttp2WebSocketsAsGet_AnyOtherConnect_KeepsItsMethod(string? protocol)
    {
        var (pipeline, _) = Build(app => app.UseHttp2WebSocketsAsGet());
        var context = Request(HttpMethods.Connect, extendedConnect: protocol);

        await pipeline(context);

        Assert.Equal(HttpMethods.Connect, context.Request.Method);
    }

    public static TheoryData<string, string, bool> RefusedUpgrades => new()
    {
        { "GET", "websocket", false },  // a WebSocket handshake on a route without "WebSockets": "true"
        { "GET", "h2c", true },         // any other upgrade, even on a WebSockets route
        { "POST", "websocket", true },  // a WebSocket upgrade on another method
    };

    [Theory]
    [MemberData(nameof(RefusedUpgrades))]
    public async Task UseUpgradesRefused_UpgradeNotAllowedHere_400ProblemAndNeverGoesOn(string method, string upgrade, bool webSocketsRoute)
    {
        var (pipeline, reached) = Build(app => app.UseUpgradesRefused());
        var context = Request(method, upgrade, webSocketsRoute ? WebSocketRoute : PlainRoute);

        await pipeline(context);

        Assert.False(reached());
        Assert.Equal(GatewayProblems.UpgradeNotAllowed.Status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
    }

    [Fact]
    public async Task UseUpgradesRefused_HandshakeOnAWebSocketsRoute_GoesOn()
    {
        var (pipeline, reached) = Build(app => app.UseUpgradesRefused());

        await pipeline(Request("GET", "websocket", WebSocketRoute));

        Assert.True(reached());
    }

    [Theory]
    [InlineData(null, true)]          // an ordinary request on a route
    [InlineData("h2c", false)]        // an upgrade with no route behind it: the unmatched-route 404 answers it
    public async Task UseUpgradesRefused_NoUpgradeOrNoRoute_GoesOn(string? upgrade, bool onRoute)
    {
        var (pipeline, reached) = Build(app => app.UseUpgradesRefused());

        await pipeline(Request("GET", upgrade, onRoute ? PlainRoute : null));

        Assert.True(reached());
    }

    [Fact]
    public async Task UseWebSocketTunnels_HandshakeWithAKey_OpenForTheForwardOnly()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        using var tunnels = new OpenTunnels(harness.Cache, harness.Clock, NullLogger<OpenTunnels>.Instance);
        var openDuringForward = -1;
        var (pipeline, reached) = Build(app => app.UseWebSocketTunnels(), Services(tunnels), _ =>
        {
            openDuringForward = tunnels.Count;
            return Task.CompletedTask;
        });
        var context = Request("GET", "websocket", WebSocketRoute);
        await WithKeyAsync(harness, context);

        await pipeline(context);

        Assert.True(reached());
        Assert.Equal(1, openDuringForward);
        Assert.Equal(0, tunnels.Count);
    }

    /// <summary>A forward that fails still gives its tunnel back: nothing stays registered for a key's lifetime.</summary>
    [Fact]
    public async Task UseWebSocketTunnels_ForwardThrows_TunnelRemoved()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        using var tunnels = new OpenTunnels(harness.Cache, harness.Clock, NullLogger<OpenTunnels>.Instance);
        var (pipeline, _) = Build(app => app.UseWebSocketTunnels(), Services(tunnels), _ => throw new IOException("upstream reset"));
        var context = Request("GET", "websocket", WebSocketRoute);
        await WithKeyAsync(harness, context);

        await Assert.ThrowsAsync<IOException>(() => pipeline(context));

        Assert.Equal(0, tunnels.Count);
    }

    [Theory]
    [InlineData(true, false)]   // a key but an ordinary request
    [InlineData(false, true)]   // a handshake on a public route: no key to revoke
    public async Task UseWebSocketTunnels_NotAKeyedHandshake_NotRegistered(bool withKey, bool handshake)
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        using var tunnels = new OpenTunnels(harness.Cache, harness.Clock, NullLogger<OpenTunnels>.Instance);
        var openDuringForward = -1;
        var (pipeline, reached) = Build(app => app.UseWebSocketTunnels(), Services(tunnels), _ =>
        {
            openDuringForward = tunnels.Count;
            return Task.CompletedTask;
        });
        var context = Request("GET", handshake ? "websocket" : null, WebSocketRoute);
        if (withKey)
        {
            await WithKeyAsync(harness, context);
        }

        await pipeline(context);

        Assert.True(reached());
        Assert.Equal(0, openDuringForward);
    }

    private static ServiceProvider Services(OpenTunnels tunnels) => new ServiceCollection().AddSingleton(tunnels).BuildServiceProvider();

    private static async Task WithKeyAsync(KeyCacheHarness harness, HttpContext context)
    {
        var (_, hash) = await harness.MintAsync();
        var lookup = await harness.LookupAsync(hash);
        Assert.Equal(KeyLookupStatus.Found, lookup.Status);
        var feature = ApiKeyRequestFeature.For(context);
        feature.CachedKey = lookup.Entry;
        feature.Key = lookup.Entry!.Key;
        feature.ClientIp = IPAddress.Loopback;
    }

    private sealed class UpgradeFeature : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => true;

        public Task<Stream> UpgradeAsync() => throw new NotSupportedException();
    }

    private sealed class ExtendedConnectFeature(string? protocol) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => protocol is not null;

        public string? Protocol => protocol;

        public ValueTask<Stream> AcceptAsync() => throw new NotSupportedException();
    }
}
