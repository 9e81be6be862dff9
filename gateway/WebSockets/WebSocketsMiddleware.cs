using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;

namespace ApiGateway.Gateway.WebSockets;

/// <summary>The two WebSocket steps of the pipeline (docs/gateway.md "Protocols").</summary>
internal static class WebSocketsMiddleware
{
    /// <summary>
    /// Before routing: an HTTP/2 WebSocket handshake (extended CONNECT, <c>:protocol websocket</c>) is given the method of
    /// its HTTP/1.1 form, GET, so it matches the same routes (a route whose YARP match lists only GET included), passes
    /// the method checks and needs the same scope. YARP and Kestrel go by the extended-CONNECT feature, not the method,
    /// so the stream is still accepted as HTTP/2 and forwarded as a WebSocket.
    /// </summary>
    public static IApplicationBuilder UseHttp2WebSocketsAsGet(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (UpgradeRequests.IsHttp2WebSocket(context))
            {
                context.Request.Method = HttpMethods.Get;
            }
            return next(context);
        });

    /// <summary>
    /// Before any key check: an upgrade on a route without <c>"WebSockets": "true"</c>, and any upgrade that is not a
    /// WebSocket handshake, gets a 400 problem and is never forwarded. Ordinary requests pass untouched.
    /// </summary>
    public static IApplicationBuilder UseUpgradesRefused(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var kind = UpgradeRequests.Classify(context);
            if (kind == UpgradeKind.None
                || context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>() is not { } access
                || (kind == UpgradeKind.WebSocket && access.AllowsWebSockets))
            {
                return next(context);
            }
            return GatewayProblems.WriteAsync(context, GatewayProblems.UpgradeNotAllowed);
        });

    /// <summary>
    /// Proxy-pipeline step: a WebSocket handshake made with a key is registered in <see cref="OpenTunnels"/> for as
    /// long as the forward (the tunnel) lasts, so the key's revocation or expiry closes it.
    /// </summary>
    public static IApplicationBuilder UseWebSocketTunnels(this IApplicationBuilder proxy)
    {
        var tunnels = proxy.ApplicationServices.GetRequiredService<OpenTunnels>();
        return proxy.Use((context, next) =>
        {
            if (context.Features.Get<ApiKeyRequestFeature>() is not { CachedKey: { } entry } feature
                || context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>() is not { } access
                || !UpgradeRequests.IsWebSocketHandshake(context))
            {
                return next(context);
            }
            return TrackAsync(context, next, tunnels.Open(context, entry, access,
                entry.RestrictsIps ? feature.ClientIp : null, feature.WorkspaceId ?? entry.Key.WorkspaceId));
        });
    }

    private static async Task TrackAsync(HttpContext context, RequestDelegate next, OpenTunnels.Registration registration)
    {
        using (registration)
        {
            await next(context);
        }
    }
}
