using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Scopes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// The route-dependent checks after authentication, in the contract's order: IP allow-list, workspace selection,
/// live-only routes, then the scopes the route requires for the request's method (<c>*</c> and <c>*:read</c> count,
/// write never implies read, a method the route maps to no scope is refused).
/// </summary>
internal sealed class RouteAccessHandler(ClientIpResolver clientIps, IOptions<GatewayOptions> options) : AuthorizationHandler<RouteAccessRequirement>
{
    private static readonly IReadOnlyList<string> NoScope = [];
    private readonly string _workspaceHeader = options.Value.WorkspaceHeader;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RouteAccessRequirement requirement)
    {
        if (context.Resource is not HttpContext http
            || http.Features.Get<ApiKeyRequestFeature>() is not { CachedKey: { } entry } feature
            || http.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>() is not { } access)
        {
            // Not authenticated by a key (the policy then challenges), or not a proxy route.
            return Task.CompletedTask;
        }
        var key = entry.Key;

        if (entry.RestrictsIps && (clientIps.Resolve(http) is not { } ip || !IpNetworks.Contains(entry.AllowedNetworks, ip)))
        {
            return Fail(context, feature, GatewayProblems.IpNotAllowed);
        }

        switch (WorkspaceSelection.Select(http.Request, _workspaceHeader, key, out var workspaceId))
        {
            case WorkspaceSelectionStatus.Ambiguous:
                return Fail(context, feature, GatewayProblems.AmbiguousWorkspace);
            case WorkspaceSelectionStatus.NotHeld:
                return Fail(context, feature, GatewayProblems.WorkspaceNotAllowed);
        }
        feature.WorkspaceId = workspaceId;

        if (access.Policy.LiveOnly && key.Mode != KeyMode.Live)
        {
            return Fail(context, feature, GatewayProblems.TestKeyNotAllowed);
        }

        // A WebSocket handshake over HTTP/2 arrives as CONNECT; it needs what its HTTP/1.1 form, a GET, needs.
        var required = access.Policy.RequiredFor(UpgradeRequests.ScopeMethod(http));
        var missing = required is null ? NoScope : ScopeGrant.Missing((IReadOnlyCollection<string>)key.Scopes, required);
        if (required is null || missing.Count > 0)
        {
            // A method the route maps to no scope: nothing can grant it (a '*' key included).
            return Fail(context, feature, GatewayProblems.InsufficientScope, missing);
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }

    private Task Fail(AuthorizationHandlerContext context, ApiKeyRequestFeature feature, GatewayProblem problem, IReadOnlyList<string>? missing = null)
    {
        feature.FailureReason = problem.FailureReason;
        context.Fail(new RouteAccessFailure(this, problem, missing));
        return Task.CompletedTask;
    }
}
