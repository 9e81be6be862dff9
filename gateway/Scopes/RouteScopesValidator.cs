using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Scopes;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Configuration.RouteValidators;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// Joins YARP's config validation: every problem of a route's scope and <c>WebSockets</c> metadata, named by route and field. A bad file
/// is therefore fatal at start and refused on reload (YARP keeps the last good config and logs the errors).
/// </summary>
internal sealed class RouteScopesValidator : IRouteValidator
{
    public ValueTask ValidateAsync(RouteConfig routeConfig, IList<Exception> errors)
    {
        ArgumentNullException.ThrowIfNull(routeConfig);
        ArgumentNullException.ThrowIfNull(errors);
        RouteScopePolicy.Parse(routeConfig.Metadata, out var scopeProblems);
        var problems = new List<string>(scopeProblems);
        RouteWebSockets.Allowed(routeConfig.Metadata, problems);
        foreach (var problem in problems)
        {
            errors.Add(new ArgumentException($"Route '{routeConfig.RouteId}': {problem}"));
        }
        return ValueTask.CompletedTask;
    }
}
