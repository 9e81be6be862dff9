using System.Collections.Concurrent;
using Polly;
using Polly.CircuitBreaker;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// One Polly circuit breaker per cluster around forwarding. Transport failures, timeouts and upstream 502/503/504
/// count as failures; when half the requests of 10 s (at least 5) fail, the cluster's circuit opens for 5 s and
/// requests get a fast 503 instead of waiting on a dead upstream. Nothing is retried, so request bodies never are.
/// </summary>
internal sealed class UpstreamCircuitBreakers(TimeProvider time)
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);
    public const int MinimumThroughput = 5;

    private readonly ConcurrentDictionary<string, ResiliencePipeline<bool>> _pipelines = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The breaker of <paramref name="clusterId"/>; the pipeline's result is "the upstream answered well".</summary>
    public ResiliencePipeline<bool> For(string clusterId) => _pipelines.GetOrAdd(clusterId, static (_, time) => Build(time), time);

    private static ResiliencePipeline<bool> Build(TimeProvider time) =>
        new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<bool>
            {
                FailureRatio = 0.5,
                MinimumThroughput = MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = BreakDuration,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex ? ex is not OperationCanceledException : !args.Outcome.Result),
            })
            .Build();
}
