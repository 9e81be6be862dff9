using System.Net;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Hosting;
using ApiGateway.Keys.Scopes;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// Whether a verified key may use this route, for this method, from here: <see cref="Problem"/> is null when it may.
/// <see cref="WorkspaceId"/> is the workspace the request acts in, once the selection passed (null before that).
/// <see cref="MissingScopes"/> goes with <see cref="GatewayProblems.InsufficientScope"/> (empty: the route maps the
/// method to no scope).
/// </summary>
internal readonly record struct RouteAccessVerdict(GatewayProblem? Problem, string? WorkspaceId, IReadOnlyList<string>? MissingScopes = null);

/// <summary>
/// The route-dependent checks after the key is verified, in the documented order (docs/gateway.md "What a request goes through"): IP allow-list, workspace selection,
/// live-only routes (and, for a forward-auth question, routes that send test keys to a <c>TestCluster</c>), then the scopes the route requires for the request's method (<c>*</c> and <c>*:read</c> count,
/// write never implies read, a method the route maps to no scope is refused). Allocates nothing when access is granted.
/// </summary>
internal sealed class RouteAccessCheck(IOptions<GatewayOptions> options)
{
    private static readonly IReadOnlyList<string> NoScope = [];
    private readonly string _workspaceHeader = options.Value.WorkspaceHeader;
    private readonly int _forwardAuthPort = options.Value.ForwardAuthPort;

    /// <param name="http">The request.</param>
    /// <param name="entry">The verified key.</param>
    /// <param name="access">The matched route's parsed policy.</param>
    /// <param name="clientIp">The client's address as <see cref="ClientIpResolver"/> resolved it (null: unknown, which an allow-list refuses).</param>
    public RouteAccessVerdict Check(HttpContext http, CachedKey entry, RouteAccess access, IPAddress? clientIp)
    {
        var key = entry.Key;
        if (entry.RestrictsIps && (clientIp is null || !IpNetworks.Contains(entry.AllowedNetworks, clientIp)))
        {
            return new(GatewayProblems.IpNotAllowed, null);
        }

        switch (WorkspaceSelection.Select(http.Request, _workspaceHeader, key, out var workspaceId))
        {
            case WorkspaceSelectionStatus.Ambiguous:
                return new(GatewayProblems.AmbiguousWorkspace, null);
            case WorkspaceSelectionStatus.NotHeld:
                return new(GatewayProblems.WorkspaceNotAllowed, null);
        }

        if (access.Policy.LiveOnly && key.Mode != KeyMode.Live)
        {
            return new(GatewayProblems.TestKeyNotAllowed, workspaceId);
        }

        // A forward-auth question cannot be rerouted: the proxy that asked sends the request to its own backend, the live
        // one, which is what TestCluster keeps test keys away from. Refused like LiveOnly (docs/forward-auth.md).
        if (access.Policy.TestCluster is not null && key.Mode != KeyMode.Live && http.Connection.LocalPort == _forwardAuthPort)
        {
            return new(GatewayProblems.TestKeyNeedsTestCluster, workspaceId);
        }

        // A WebSocket handshake over HTTP/2 arrives as CONNECT; it needs what its HTTP/1.1 form, a GET, needs.
        if (access.Policy.RequiredFor(UpgradeRequests.ScopeMethod(http)) is not { } required)
        {
            // A method the route maps to no scope: nothing can grant it (a '*' key included).
            return new(GatewayProblems.InsufficientScope, workspaceId, NoScope);
        }
        var missing = ScopeGrant.Missing((IReadOnlyCollection<string>)key.Scopes, required);
        return missing.Count > 0 ? new(GatewayProblems.InsufficientScope, workspaceId, missing) : new(null, workspaceId);
    }
}
