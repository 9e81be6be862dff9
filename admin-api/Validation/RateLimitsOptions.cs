namespace ApiGateway.AdminApi.Validation;

/// <summary>
/// The <c>RateLimits</c> section, shared with the gateway. The admin API needs only the tier names, to refuse a key whose
/// <c>tier</c> the gateway would not know.
/// </summary>
public sealed class RateLimitsOptions
{
    public const string SectionName = "RateLimits";

    public string DefaultTier { get; set; } = "free";

    public Dictionary<string, RateLimitTier> Tiers { get; set; } = new(StringComparer.Ordinal);
}

public sealed class RateLimitTier
{
    public int Limit { get; set; }
    public int PeriodSeconds { get; set; }
    public long? Daily { get; set; }
    public long? Monthly { get; set; }
}
