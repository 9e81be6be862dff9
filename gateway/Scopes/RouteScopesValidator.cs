using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Configuration.RouteValidators;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// Joins YARP's config validation: every problem of a route's scope and <c>WebSockets</c> metadata, named by route and field. A bad file
/// is therefore fatal at start and refused on reload (YARP keeps the last good config and logs the errors). The parse is
/// <see cref="RouteAccessTable"/>'s, which the transforms and the endpoint then reuse.
/// </summary>
internal sealed class RouteScopesValidator(RouteAccessTable routes) : IRouteValidator
{
    public ValueTask ValidateAsync(RouteConfig routeConfig, IList<Exception> errors)
    {
        ArgumentNullException.ThrowIfNull(routeConfig);
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var problem in routes.For(routeConfig).Problems)
        {
            errors.Add(new ArgumentException($"Route '{routeConfig.RouteId}': {problem}"));
        }
        return ValueTask.CompletedTask;
    }
}
