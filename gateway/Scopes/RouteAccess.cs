using ApiGateway.Keys.Scopes;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// Endpoint metadata on every proxy route: its parsed <see cref="RouteScopePolicy"/>, built once when YARP builds the
/// route's endpoint (once per config load), so requests never parse metadata.
/// </summary>
internal sealed class RouteAccess(string routeId, RouteScopePolicy policy, bool allowsWebSockets = false)
{
    public string RouteId { get; } = routeId;

    public RouteScopePolicy Policy { get; } = policy;

    /// <summary>The route has <c>"WebSockets": "true"</c>: WebSocket handshakes may be forwarded (docs/gateway.md "Protocols").</summary>
    public bool AllowsWebSockets { get; } = allowsWebSockets;
}
