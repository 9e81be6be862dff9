using System.Globalization;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.RequestBodies;

/// <summary>
/// A route's body limit, and the fix that makes a reload apply it: YARP 2.3's <c>RouteConfig.Equals</c> leaves
/// <c>MaxRequestBodySize</c> out, so a reload that changes only that field keeps the old route and its old limit.
/// This filter copies the value into the route's <c>Metadata</c>, which <c>Equals</c> compares, so YARP sees the
/// change and rebuilds the route.
/// </summary>
internal sealed class RouteBodyLimits : IProxyConfigFilter
{
    /// <summary>The metadata key carrying the limit (for change detection only; nothing reads it).</summary>
    public const string MetadataKey = "Gateway.MaxRequestBodySize";

    /// <summary>A route's own limit (YARP: -1 means none) or else the global one; null: no limit.</summary>
    public static long? Effective(long? routeLimit, long globalLimit) => routeLimit switch
    {
        null => globalLimit,
        -1 => null,
        { } limit => limit,
    };

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        if (route.MaxRequestBodySize is not { } limit)
        {
            return ValueTask.FromResult(route);
        }
        var metadata = new Dictionary<string, string>(route.Metadata ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase)
        {
            [MetadataKey] = limit.ToString(CultureInfo.InvariantCulture),
        };
        return ValueTask.FromResult(route with { Metadata = metadata });
    }

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => ValueTask.FromResult(cluster);
}
