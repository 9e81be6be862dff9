using System.Collections.Concurrent;
using Polly;
using Polly.CircuitBreaker;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// One Polly v8 circuit breaker per cluster (<see cref="ClusterBreaker"/>), judging each forward by how it starts
/// (<see cref="UpstreamHealth"/>): when half the forwards of 10 s (at least 5) start badly, the cluster's circuit opens
/// for 5 s and requests get a fast 503 instead of waiting on a dead upstream; then one trial request decides, and it
/// holds the circuit only until its response headers arrive (at most <see cref="TrialTimeout"/>), never for the life
/// of a stream. Nothing is retried, so request bodies never are. docs/gateway.md "Upstream".
/// </summary>
internal sealed partial class UpstreamCircuitBreakers(TimeProvider time, ILogger<UpstreamCircuitBreakers> logger)
{
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);
    public const int MinimumThroughput = 5;

    /// <summary>How long a half-open trial may take to start (headers or failure) before it counts as a failure.</summary>
    public static readonly TimeSpan TrialTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, ClusterBreaker> _breakers = new(StringComparer.OrdinalIgnoreCase);

    public TimeProvider Time => time;

    /// <summary>The breaker of <paramref name="clusterId"/>.</summary>
    public ClusterBreaker For(string clusterId) => _breakers.GetOrAdd(clusterId, static (id, self) => self.Build(id), this);

    private ClusterBreaker Build(string clusterId)
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<bool> { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<bool>
            {
                FailureRatio = 0.5,
                MinimumThroughput = MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = BreakDuration,
                StateProvider = state,
                // The result is "the upstream started this forward well"; exceptions never reach the pipeline.
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is not null || !args.Outcome.Result),
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
        return new ClusterBreaker(pipeline, state, time);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.UpstreamCircuitOpened, LogLevel.Warning, "Upstream cluster {ClusterId} is failing: circuit open for {Seconds} s, requests get 503.", EventName = nameof(EventIds.UpstreamCircuitOpened))]
        public static partial void Opened(ILogger logger, string clusterId, double seconds);

        [LoggerMessage(EventIds.UpstreamCircuitClosed, LogLevel.Information, "Upstream cluster {ClusterId} answers again: circuit closed.", EventName = nameof(EventIds.UpstreamCircuitClosed))]
        public static partial void Closed(ILogger logger, string clusterId);
    }
}
