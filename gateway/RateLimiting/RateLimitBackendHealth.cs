using Prometheus;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Whether the shared limiter's backend (Redis) answered its last call: <c>gateway_ratelimit_backend_up</c> (1 when it
/// did, or when no shared backend is configured), <c>gateway_ratelimit_backend_errors_total</c> (failed calls), and
/// <see cref="IsUp"/> for <c>/readyz</c>, which reports <c>degraded</c> while it is down.
/// </summary>
internal sealed class RateLimitBackendHealth
{
    private readonly Gauge _up;
    private readonly Counter _errors;
    private volatile bool _isUp = true;

    public RateLimitBackendHealth(CollectorRegistry registry, SharedLimiterMode mode)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _up = factory.CreateGauge("gateway_ratelimit_backend_up", "1 when the shared rate-limit backend (Redis) answered its last call, or none is configured; 0 while it fails.");
        _errors = factory.CreateCounter("gateway_ratelimit_backend_errors_total", "Rate-limit decisions whose shared backend (Redis) call failed (answered by the tier's RedisFailure choice).");
        IsShared = mode.IsShared;
        _up.Set(1);
    }

    /// <summary>True when limits are shared through Redis.</summary>
    public bool IsShared { get; }

    public bool IsUp => _isUp;

    public void Failed()
    {
        _errors.Inc();
        if (_isUp)
        {
            _isUp = false;
            _up.Set(0);
        }
    }

    public void Succeeded()
    {
        if (!_isUp)
        {
            _isUp = true;
            _up.Set(1);
        }
    }
}

/// <summary>Whether <c>RateLimits:Redis</c> is set (decided once at start).</summary>
internal sealed record SharedLimiterMode(bool IsShared);
