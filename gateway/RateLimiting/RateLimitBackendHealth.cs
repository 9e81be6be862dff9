using ApiGateway.Gateway.Metrics;
using ApiGateway.Keys.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Whether the shared limiter's backend (Redis) answered its last call: <c>gateway_ratelimit_backend_up</c> (1 when it
/// did, or when no shared backend is configured), <c>gateway_ratelimit_backend_errors_total</c> (failed calls), and
/// <see cref="IsUp"/> for <c>/readyz</c>, which reports <c>degraded</c> while it is down. The metrics are
/// <see cref="GatewayMetrics"/>'s, like every other the gateway publishes.
/// </summary>
internal sealed class RateLimitBackendHealth(GatewayMetrics metrics, SharedLimiterMode mode) : IRedisHealthListener
{
    private volatile bool _isUp = true;

    /// <summary>True when limits are shared through Redis.</summary>
    public bool IsShared { get; } = mode.IsShared;

    public bool IsUp => _isUp;

    public void Failed()
    {
        metrics.RateLimitBackendFailed();
        if (_isUp)
        {
            _isUp = false;
            metrics.RateLimitBackendUp(false);
        }
    }

    public void Succeeded()
    {
        if (!_isUp)
        {
            _isUp = true;
            metrics.RateLimitBackendUp(true);
        }
    }
}

/// <summary>Whether <c>RateLimits:Redis</c> is set (decided once at start).</summary>
internal sealed record SharedLimiterMode(bool IsShared);
