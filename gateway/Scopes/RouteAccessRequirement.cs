using Microsoft.AspNetCore.Authorization;

namespace ApiGateway.Gateway.Scopes;

/// <summary>The fallback policy's requirement: the authenticated key may use this route, for this method, from here.</summary>
internal sealed class RouteAccessRequirement : IAuthorizationRequirement
{
    public static readonly RouteAccessRequirement Instance = new();
}

/// <summary>Why route access was refused, for <see cref="GatewayAuthorizationResultHandler"/> to answer.</summary>
internal sealed class RouteAccessFailure(IAuthorizationHandler handler, Problems.GatewayProblem problem, IReadOnlyList<string>? missingScopes = null)
    : AuthorizationFailureReason(handler, problem.Title)
{
    public Problems.GatewayProblem Problem { get; } = problem;

    public IReadOnlyList<string>? MissingScopes { get; } = missingScopes;
}
