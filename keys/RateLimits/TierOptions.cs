namespace ApiGateway.Keys.RateLimits;

/// <summary>One tier: a bucket of <see cref="Limit"/> requests refilled continuously over <see cref="PeriodSeconds"/>, plus optional calendar quotas.</summary>
public sealed class TierOptions
{
    public const string RedisFailureOpen = "open";
    public const string RedisFailureClosed = "closed";

    public int Limit { get; set; }

    public int PeriodSeconds { get; set; }

    /// <summary>Requests per calendar UTC day; null means no daily quota.</summary>
    public long? Daily { get; set; }

    /// <summary>Requests per calendar UTC month; null means no monthly quota.</summary>
    public long? Monthly { get; set; }

    /// <summary>
    /// When limits are shared through Redis (<c>RateLimits:Redis</c>) and Redis cannot be reached: <c>open</c> (the
    /// gateway's own per-instance limiter decides) or <c>closed</c> (503 "Rate limiter unavailable").
    /// </summary>
    public string RedisFailure { get; set; } = RedisFailureOpen;

    public bool FailsClosed => string.Equals(RedisFailure, RedisFailureClosed, StringComparison.OrdinalIgnoreCase);
}
