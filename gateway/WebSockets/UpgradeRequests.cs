using Microsoft.AspNetCore.Http.Features;

namespace ApiGateway.Gateway.WebSockets;

internal enum UpgradeKind
{
    /// <summary>An ordinary request: no <c>Upgrade</c> header.</summary>
    None,

    /// <summary>A WebSocket handshake: HTTP/1.1 <c>GET</c> with <c>Upgrade: websocket</c>, or HTTP/2 extended CONNECT with <c>:protocol websocket</c>.</summary>
    WebSocket,

    /// <summary>
    /// Any other upgrade or extended CONNECT (SPDY, TLS, <c>h2c</c>, a WebSocket upgrade on another method or without
    /// <c>Connection: Upgrade</c>...): never forwarded.
    /// </summary>
    Other,
}

/// <summary>
/// Tells WebSocket handshakes and other protocol upgrades from ordinary requests (docs/gateway.md "Protocols"). After a
/// <c>101</c> (or a <c>200</c> to an extended CONNECT) YARP turns the request into an opaque two-way tunnel that no later
/// check sees, so the gateway decides here, once, before anything is forwarded.
/// </summary>
internal static class UpgradeRequests
{
    private const string WebSocketToken = "websocket";

    public static UpgradeKind Classify(HttpContext context)
    {
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            return string.Equals(connect.Protocol, WebSocketToken, StringComparison.OrdinalIgnoreCase) ? UpgradeKind.WebSocket : UpgradeKind.Other;
        }
        var upgrade = context.Request.Headers.Upgrade;
        if (upgrade.Count == 0)
        {
            return UpgradeKind.None;
        }
        // Any request that asks to switch protocols is an upgrade, whether or not Kestrel or YARP would act on it
        // (h2c, what curl --http2 asks on http://, they ignore): docs/gateway.md "Protocols" refuses every one but a
        // WebSocket handshake. RFC 6455: a GET with Connection: Upgrade naming exactly one protocol; YARP would
        // forward any method as a GET upgrade.
        return context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            && upgrade.Count == 1 && string.Equals(upgrade[0], WebSocketToken, StringComparison.OrdinalIgnoreCase) && HttpMethods.IsGet(context.Request.Method)
            ? UpgradeKind.WebSocket
            : UpgradeKind.Other;
    }

    /// <summary>True for a WebSocket handshake over either HTTP version.</summary>
    public static bool IsWebSocketHandshake(HttpContext context) => Classify(context) == UpgradeKind.WebSocket;

    /// <summary>True for an HTTP/2 WebSocket handshake: extended CONNECT with <c>:protocol websocket</c> (RFC 8441).</summary>
    public static bool IsHttp2WebSocket(HttpContext context) =>
        context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect
            && string.Equals(connect.Protocol, WebSocketToken, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The method whose scope the request needs: an HTTP/2 WebSocket handshake takes the scope of its HTTP/1.1 form, a GET
    /// (<see cref="WebSocketsMiddleware.UseHttp2WebSocketsAsGet"/> has normally made it one already). Every other
    /// request, plain CONNECT included, is judged by its own method.
    /// </summary>
    public static string ScopeMethod(HttpContext context) => IsHttp2WebSocket(context) ? HttpMethods.Get : context.Request.Method;
}
