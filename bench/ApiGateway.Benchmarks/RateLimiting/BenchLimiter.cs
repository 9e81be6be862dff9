using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.RateLimits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Benchmarks.RateLimiting;

/// <summary>
/// The rate limiter the benchmarks measure: one default tier, <c>bench</c>, so high (a burst of 2e9 requests per second and
/// a daily quota of <c>long.MaxValue / 4</c>) that a benchmark cannot spend it, so every acquire runs GCRA and the quota
/// and passes; the local limiter over the bench store's usage table, and the policy resolver over the same options.
/// </summary>
internal sealed class BenchLimiter : IDisposable
{
    private readonly ServiceProvider _services;

    public BenchLimiter(BenchStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _services = new ServiceCollection()
            .AddOptions<RateLimitsOptions>()
            .Configure(o =>
            {
                o.DefaultTier = "bench";
                o.Tiers["bench"] = new TierOptions { Limit = 2_000_000_000, PeriodSeconds = 1, Daily = long.MaxValue / 4 };
            })
            .Services.BuildServiceProvider();
        var options = _services.GetRequiredService<IOptionsMonitor<RateLimitsOptions>>();
        Limiter = new LocalKeyRateLimiter(store.Usage, TimeProvider.System, options, new SharedLimiterMode(false), NullLogger<LocalKeyRateLimiter>.Instance);
        Resolver = new RateLimitPolicyResolver(options);
    }

    public LocalKeyRateLimiter Limiter { get; }

    public RateLimitPolicyResolver Resolver { get; }

    public void Dispose()
    {
        Limiter.Dispose();
        Resolver.Dispose();
        _services.Dispose();
    }
}
