using ApiGateway.Gateway.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// Turns a refused route access into its problem answer (403 for IP, workspace, mode and scope; 400 for an ambiguous
/// workspace). Challenges go to the key handler, which writes the 401/400/503 for the authentication failure.
/// </summary>
internal sealed class GatewayAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure is { } failure)
        {
            foreach (var reason in failure.FailureReasons)
            {
                if (reason is RouteAccessFailure refused)
                {
                    return refused.Problem == GatewayProblems.InsufficientScope
                        ? GatewayProblems.WriteInsufficientScopeAsync(context, refused.MissingScopes ?? [])
                        : GatewayProblems.WriteAsync(context, refused.Problem);
                }
            }
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
