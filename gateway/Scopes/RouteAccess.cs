using ApiGateway.Keys.Scopes;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// Endpoint metadata on every proxy route: its parsed <see cref="RouteScopePolicy"/> and <c>WebSockets</c> flag, built
/// once per route build by <see cref="RouteAccessTable"/>, so requests never parse metadata.
/// </summary>
internal sealed class RouteAccess(string routeId, RouteScopePolicy policy, bool allowsWebSockets = false, IReadOnlyList<string>? problems = null)
{
    public string RouteId { get; } = routeId;

    public RouteScopePolicy Policy { get; } = policy;

    /// <summary>The route has <c>"WebSockets": "true"</c>: WebSocket handshakes may be forwarded (docs/gateway.md "Protocols").</summary>
    public bool AllowsWebSockets { get; } = allowsWebSockets;

    /// <summary>What is wrong with the route's scope and <c>WebSockets</c> metadata (empty for a route YARP accepted).</summary>
    public IReadOnlyList<string> Problems { get; } = problems ?? [];
}
