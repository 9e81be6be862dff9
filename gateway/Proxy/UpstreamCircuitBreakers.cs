using System.Collections.Concurrent;
using Polly;
using Polly.CircuitBreaker;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// One Polly circuit breaker per cluster around forwarding. Transport failures, timeouts and upstream 502/503/504
/// count as failures; when half the requests of 10 s (at least 5) fail, the cluster's circuit opens for 5 s and
/// requests get a fast 503 instead of waiting on a dead upstream. Nothing is retried, so request bodies never are.
/// </summary>
internal sealed partial class UpstreamCircuitBreakers(TimeProvider time, ILogger<UpstreamCircuitBreakers> logger)
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);
    public const int MinimumThroughput = 5;

    private readonly ConcurrentDictionary<string, ResiliencePipeline<bool>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The breaker of <paramref name="clusterId"/>; the pipeline's result is "the upstream answered well".</summary>
    public ResiliencePipeline<bool> For(string clusterId) => _pipelines.GetOrAdd(clusterId, static (id, self) => self.Build(id), this);

    private ResiliencePipeline<bool> Build(string clusterId) =>
        new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<bool>
            {
                FailureRatio = 0.5,
                MinimumThroughput = MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = BreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex ? ex is not OperationCanceledException : !args.Outcome.Result),
                // State changes only (never per request): an operator sees when a cluster is cut off and when it is back.
                OnOpened = args =>
                {
                    Log.Opened(logger, clusterId, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    Log.Closed(logger, clusterId);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Upstream cluster {ClusterId} is failing: circuit open for {Seconds} s, requests get 503.", EventName = "UpstreamCircuitOpened")]
        public static partial void Opened(ILogger logger, string clusterId, double seconds);

        [LoggerMessage(2, LogLevel.Information, "Upstream cluster {ClusterId} answers again: circuit closed.", EventName = "UpstreamCircuitClosed")]
        public static partial void Closed(ILogger logger, string clusterId);
    }
}
