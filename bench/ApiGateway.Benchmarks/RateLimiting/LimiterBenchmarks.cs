using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Model;
using BenchmarkDotNet.Attributes;

namespace ApiGateway.Benchmarks.RateLimiting;

/// <summary>
/// The limiter step of a request that passes: GCRA + daily quota acquire on one lineage, the policy resolution that
/// precedes it (a tier key, and a key with its own rateLimit/quota), and the RateLimit header values it writes.
/// Limits are so high that nothing is ever refused.
/// </summary>
[MemoryDiagnoser]
public class LimiterBenchmarks : IDisposable
{
    private BenchStore _store = null!;
    private BenchLimiter _bench = null!;
    private LocalKeyRateLimiter _limiter = null!;
    private RateLimitPolicyResolver _resolver = null!;
    private ApiKey _tierKey = null!;
    private ApiKey _overrideKey = null!;
    private RateLimitRequest _request;
    private RateLimitDecision _decision;
    private RateLimitRequest _workspaceRequest;
    private RateLimitDecision _workspaceDecision;

    [GlobalSetup]
    public void Setup()
    {
        _store = BenchStore.Create(["bench:read"]);
        _bench = new BenchLimiter(_store);
        _limiter = _bench.Limiter;
        _resolver = _bench.Resolver;
        _tierKey = _store.Key;
        _overrideKey = _store.Key with { RateLimit = new RateLimitOverride(2_000_000_000, 1), Quota = new QuotaOverride(long.MaxValue / 4, null) };
        _request = new RateLimitRequest(_tierKey.LineageId, _resolver.Resolve(_tierKey));
        // The first acquire of a lineage with a quota loads its spent count from the store; do it before measuring.
        _decision = _limiter.AcquireAsync(_request, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        // The same key serving a workspace with limits of its own (rate and daily quota): decided in the same step, one lock.
        var workspace = RateLimitPolicy.ForWorkspace(2_000_000_000, 1, long.MaxValue / 4, null, failClosed: false)!;
        _workspaceRequest = _request with { Workspace = new WorkspaceLimit("ws:ws_bench", workspace) };
        _workspaceDecision = _limiter.AcquireAsync(_workspaceRequest, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (!_decision.IsAllowed || !_workspaceDecision.IsAllowed)
        {
            throw new InvalidOperationException("The benchmark limit refused a request.");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _bench?.Dispose();
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public bool Acquire()
    {
        var pending = _limiter.AcquireAsync(_request, CancellationToken.None);
        return pending.IsCompletedSuccessfully && pending.Result.IsAllowed;
    }

    [Benchmark]
    public bool Acquire_WithWorkspaceLimits()
    {
        var pending = _limiter.AcquireAsync(_workspaceRequest, CancellationToken.None);
        return pending.IsCompletedSuccessfully && pending.Result.IsAllowed;
    }

    [Benchmark]
    public long Resolve_TierKey() => _resolver.Resolve(_tierKey).Limit;

    [Benchmark]
    public long Resolve_OverrideKey() => _resolver.Resolve(_overrideKey).Limit;

    [Benchmark]
    public int Headers() => RateLimitHeaders.Policy(_decision).Length + RateLimitHeaders.Limit(_decision).Length;

    [Benchmark]
    public int Headers_WithWorkspaceLimits() => RateLimitHeaders.Policy(_workspaceDecision).Length + RateLimitHeaders.Limit(_workspaceDecision).Length;
}
