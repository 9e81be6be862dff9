using ApiGateway.Gateway.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration.RouteValidators;

namespace ApiGateway.Gateway.Scopes;

internal static class RouteScopesExtensions
{
    /// <summary>
    /// Deny by default: the fallback policy needs an authenticated key allowed on the route. Public routes and
    /// internal endpoints opt out with <c>AllowAnonymous</c>. Routes-file scope checks join YARP's validation.
    /// </summary>
    public static WebApplicationBuilder AddRouteScopes(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .AddRequirements(RouteAccessRequirement.Instance)
                .Build());
        builder.Services.AddSingleton<IAuthorizationHandler, RouteAccessHandler>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, GatewayAuthorizationResultHandler>();
        builder.Services.AddSingleton<ClientIpResolver>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IRouteValidator, RouteScopesValidator>());
        return builder;
    }
}
