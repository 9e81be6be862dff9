using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration.RouteValidators;

namespace ApiGateway.Gateway.Scopes;

internal static class RouteScopesExtensions
{
    /// <summary>The route access check (IP, workspace, mode, scope) and the routes-file scope checks in YARP's validation.</summary>
    public static WebApplicationBuilder AddRouteScopes(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<RouteAccessCheck>();
        builder.Services.TryAddSingleton<RouteAccessTable>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IRouteValidator, RouteScopesValidator>());
        return builder;
    }
}
