using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.RequestBodies;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Proxy-pipeline step around the forwarder: admits the request through the cluster's circuit breaker (open circuit:
/// fast 503 "Upstream unavailable"), and turns YARP's bodiless forwarding errors into problems: connection failures
/// 502, timeouts 504, no healthy destination 503, a body cut at the route's limit 413; each failed forward is logged
/// once here. While the circuit is closed the admission is one synchronous state
/// read; the forward's start is judged by <see cref="UpstreamHealth"/> when <see cref="UpstreamStartTransformProvider"/>
/// sees it, so the breaker never waits for a response body, a stream or a WebSocket to end.
/// </summary>
internal static partial class UpstreamFaultsMiddleware
{
    public static IApplicationBuilder UseUpstreamFaults(this IApplicationBuilder proxy)
    {
        var breakers = proxy.ApplicationServices.GetRequiredService<UpstreamCircuitBreakers>();
        var loggers = proxy.ApplicationServices.GetRequiredService<ILoggerFactory>();
        var logs = new Logs(loggers.CreateLogger(typeof(UpstreamFaultsMiddleware).FullName!), ForwarderErrorLogging.CreateLogger(loggers));
        return proxy.Use((context, next) =>
        {
            var clusterId = context.GetReverseProxyFeature().Cluster.Config.ClusterId;
            var breaker = breakers.For(clusterId);
            return breaker.IsClosed
                ? ForwardAsync(context, next(context), clusterId, logs)
                : ForwardAsTrialAsync(context, next, breaker, clusterId, logs);
        });
    }

    /// <summary>Called once per forward when it has started (response headers, or the failure YARP recorded).</summary>
    internal static void OnForwardStarted(HttpContext context, HttpResponseMessage? response, UpstreamCircuitBreakers breakers)
    {
        var proxy = context.GetReverseProxyFeature();
        var verdict = UpstreamHealth.Judge(context, response, proxy.Cluster?.Config);
        if (context.Features.Get<TrialStart>() is { } trial)
        {
            trial.Started.TrySetResult(verdict);
        }
        else if (verdict is { } healthy && proxy.Cluster is { } cluster)
        {
            breakers.For(cluster.Config.ClusterId).Report(healthy);
        }
    }

    private static async Task ForwardAsTrialAsync(HttpContext context, RequestDelegate next, ClusterBreaker breaker, string clusterId, Logs logs)
    {
        var trial = new TrialStart();
        context.Features.Set(trial);
        var forward = await breaker.TryTrialAsync(() => RunAsync(context, next, trial), trial.Started.Task);
        if (forward is null)
        {
            context.Features.Set<TrialStart?>(null);
            Log.CircuitOpen(logs.Faults, clusterId);
            await GatewayProblems.WriteAsync(context, GatewayProblems.UpstreamUnavailable);
            return;
        }
        await ForwardAsync(context, forward, clusterId, logs);
    }

    private static async Task RunAsync(HttpContext context, RequestDelegate next, TrialStart trial)
    {
        try
        {
            await next(context);
        }
        finally
        {
            // Ended without a start (e.g. no destination): nothing learned about the upstream.
            trial.Started.TrySetResult(null);
        }
    }

    /// <summary>
    /// The only frame that awaits a forward: everything that must look at how it ended happens here, so a request pays
    /// for one state machine, not one per concern. A failed forward is logged once (<see cref="ForwarderErrorLogging"/>)
    /// and, if nothing was sent yet, answered with its problem; a body Kestrel cut at the route's limit is the 413 of
    /// <see cref="RequestBodyLimitMiddleware"/>, not a 502.
    /// </summary>
    private static async Task ForwardAsync(HttpContext context, Task forward, string clusterId, Logs logs)
    {
        await forward;
        if (context.GetForwarderErrorFeature() is not { } error)
        {
            return;
        }
        ForwarderErrorLogging.Report(logs.Forwarder, context, error);
        if (context.Response.HasStarted)
        {
            return;
        }
        var problem = error.Error switch
        {
            _ when RequestBodyLimitMiddleware.IsBodyTooLarge(error.Exception) => GatewayProblems.RequestBodyTooLarge,
            ForwarderError.RequestTimedOut => GatewayProblems.UpstreamTimeout,
            ForwarderError.NoAvailableDestinations => GatewayProblems.UpstreamUnavailable,
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient => null,
            _ => GatewayProblems.BadGateway,
        };
        if (problem is not null)
        {
            if (!ReferenceEquals(problem, GatewayProblems.RequestBodyTooLarge))
            {
                Log.ForwardFailed(logs.Faults, clusterId, error.Error);
            }
            await GatewayProblems.WriteAsync(context, problem);
        }
    }

    private sealed record Logs(ILogger Faults, ILogger Forwarder);

    /// <summary>Set on a request admitted as the half-open trial: its start ends the trial.</summary>
    private sealed class TrialStart
    {
        public TaskCompletionSource<bool?> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.UpstreamCircuitOpen, LogLevel.Debug, "Circuit open for cluster {ClusterId}: answered 503.", EventName = nameof(EventIds.UpstreamCircuitOpen))]
        public static partial void CircuitOpen(ILogger logger, string clusterId);

        [LoggerMessage(EventIds.UpstreamForwardFailed, LogLevel.Debug, "Forwarding to cluster {ClusterId} failed: {Error}.", EventName = nameof(EventIds.UpstreamForwardFailed))]
        public static partial void ForwardFailed(ILogger logger, string clusterId, ForwarderError error);
    }
}
