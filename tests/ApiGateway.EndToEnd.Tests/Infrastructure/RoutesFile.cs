using System.Text.Json;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>Builds small routes files (YARP's <c>ReverseProxy</c> JSON with scope metadata) for processes under test.</summary>
public static class RoutesFile
{
    /// <summary>One route <paramref name="routeId"/> matching <paramref name="pathPrefix"/><c>/{**rest}</c>, needing <paramref name="scope"/>, to <paramref name="upstream"/>.</summary>
    public static string SingleRoute(string routeId, string pathPrefix, string scope, Uri upstream) => Routes(upstream, (routeId, pathPrefix, scope));

    /// <summary>Each route as <see cref="SingleRoute"/> does it, all to <paramref name="upstream"/>.</summary>
    public static string Routes(Uri upstream, params (string RouteId, string PathPrefix, string Scope)[] routes) => JsonSerializer.Serialize(new
    {
        ReverseProxy = new
        {
            Routes = routes.ToDictionary(r => r.RouteId, r => (object)new
            {
                ClusterId = "upstream",
                Match = new { Path = $"{r.PathPrefix}/{{**rest}}" },
                Metadata = new Dictionary<string, string> { ["Scopes"] = r.Scope },
            }),
            Clusters = new Dictionary<string, object>
            {
                ["upstream"] = new { Destinations = new Dictionary<string, object> { ["d1"] = new { Address = upstream.ToString() } } },
            },
        },
    });
}
