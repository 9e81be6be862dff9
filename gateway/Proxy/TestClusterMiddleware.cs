using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Keys.Format;
using Yarp.ReverseProxy;

namespace ApiGateway.Gateway.Proxy;

/// <summary>Proxy-pipeline step: requests with a test key go to the route's <c>TestCluster</c> when it names one.</summary>
internal static class TestClusterMiddleware
{
    public static IApplicationBuilder UseTestClusters(this IApplicationBuilder proxy)
    {
        var clusters = proxy.ApplicationServices.GetRequiredService<IProxyStateLookup>();
        return proxy.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<RouteAccess>()?.Policy.TestCluster is not { } testCluster
                || context.Features.Get<ApiKeyRequestFeature>()?.Key?.Mode != KeyMode.Test)
            {
                return next(context);
            }
            if (!clusters.TryGetCluster(testCluster, out var cluster))
            {
                // The routes file names a cluster it does not define: fail closed rather than send test traffic to live.
                return GatewayProblems.WriteAsync(context, GatewayProblems.UpstreamUnavailable);
            }
            context.ReassignProxyRequest(cluster);
            return next(context);
        });
    }
}
