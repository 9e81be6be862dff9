using ApiGateway.Gateway.Problems;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy.Forwarder;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Proxy-pipeline step around the forwarder: runs it inside the cluster's circuit breaker (open circuit: fast 503
/// "Upstream unavailable") and turns YARP's bodiless forwarding errors into problems: connection failures 502,
/// timeouts 504, no healthy destination 503.
/// </summary>
internal static partial class UpstreamFaultsMiddleware
{
    public static IApplicationBuilder UseUpstreamFaults(this IApplicationBuilder proxy)
    {
        var breakers = proxy.ApplicationServices.GetRequiredService<UpstreamCircuitBreakers>();
        var logger = proxy.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UpstreamFaultsMiddleware).FullName!);
        return proxy.Use(async (context, next) =>
        {
            var clusterId = context.GetReverseProxyFeature().Cluster.Config.ClusterId;
            try
            {
                await breakers.For(clusterId).ExecuteAsync(
                    static async (state, _) =>
                    {
                        await state.next(state.context);
                        return !IsUpstreamFailure(state.context);
                    },
                    (next, context),
                    CancellationToken.None);
            }
            catch (BrokenCircuitException)
            {
                Log.CircuitOpen(logger, clusterId);
                await GatewayProblems.WriteAsync(context, GatewayProblems.UpstreamUnavailable);
                return;
            }
            if (context.GetForwarderErrorFeature() is { } error && !context.Response.HasStarted)
            {
                var problem = error.Error switch
                {
                    ForwarderError.RequestTimedOut => GatewayProblems.UpstreamTimeout,
                    ForwarderError.NoAvailableDestinations => GatewayProblems.UpstreamUnavailable,
                    ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient => null,
                    _ => GatewayProblems.BadGateway,
                };
                if (problem is not null)
                {
                    Log.ForwardFailed(logger, clusterId, error.Error);
                    await GatewayProblems.WriteAsync(context, problem);
                }
            }
        });
    }

    private static bool IsUpstreamFailure(HttpContext context)
    {
        if (context.GetForwarderErrorFeature() is { } error)
        {
            return error.Error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestCreation
                or ForwarderError.RequestBodyDestination or ForwarderError.ResponseHeaders or ForwarderError.NoAvailableDestinations;
        }
        return context.Response.StatusCode is StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Circuit open for cluster {ClusterId}: answered 503.", EventName = "UpstreamCircuitOpen")]
        public static partial void CircuitOpen(ILogger logger, string clusterId);

        [LoggerMessage(2, LogLevel.Debug, "Forwarding to cluster {ClusterId} failed: {Error}.", EventName = "UpstreamForwardFailed")]
        public static partial void ForwardFailed(ILogger logger, string clusterId, ForwarderError error);
    }
}
