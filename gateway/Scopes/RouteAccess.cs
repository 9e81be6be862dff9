using ApiGateway.Keys.Scopes;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// Endpoint metadata on every proxy route: its parsed <see cref="RouteScopePolicy"/>, built once when YARP builds the
/// route's endpoint (once per config load), so requests never parse metadata.
/// </summary>
internal sealed class RouteAccess(string routeId, RouteScopePolicy policy)
{
    public string RouteId { get; } = routeId;

    public RouteScopePolicy Policy { get; } = policy;
}
