namespace ApiGateway.Gateway.RateLimiting;

/// <summary>One tier: a bucket of <see cref="Limit"/> requests refilled continuously over <see cref="PeriodSeconds"/>, plus optional calendar quotas.</summary>
public sealed class TierOptions
{
    public int Limit { get; set; }

    public int PeriodSeconds { get; set; }

    /// <summary>Requests per calendar UTC day; null means no daily quota.</summary>
    public long? Daily { get; set; }

    /// <summary>Requests per calendar UTC month; null means no monthly quota.</summary>
    public long? Monthly { get; set; }
}
