using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Marks the moment a forward has started, for the circuit breaker: YARP runs response transforms as soon as the
/// upstream's response headers arrive (before any body is copied, and before a 101 becomes a tunnel), and, with no
/// response, right after it recorded why the forward failed. So a stream or a WebSocket is judged by its first bytes
/// and never holds the breaker for its whole life (<see cref="UpstreamFaultsMiddleware"/>).
/// </summary>
internal sealed class UpstreamStartTransformProvider(UpstreamCircuitBreakers breakers) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddResponseTransform(transform =>
        {
            UpstreamFaultsMiddleware.OnForwardStarted(transform.HttpContext, transform.ProxyResponse, breakers);
            return ValueTask.CompletedTask;
        });
    }
}
