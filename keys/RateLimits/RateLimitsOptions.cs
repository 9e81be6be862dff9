namespace ApiGateway.Keys.RateLimits;

/// <summary>
/// The <c>RateLimits</c> section, read by both processes: the gateway enforces the tiers, the admin API accepts only a
/// <c>tier</c> the gateway knows. Registered, with its defaults and validator, by
/// <see cref="RateLimitsOptionsExtensions.AddRateLimitsOptions"/> (docs/rate-limits.md).
/// </summary>
public sealed class RateLimitsOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>
    /// Tiers by name (<c>RateLimits:Tiers:{name}</c>). Names compare case-insensitively, as configuration keys do: an
    /// environment variable <c>RateLimits__Tiers__FREE__Limit</c> changes the tier <c>free</c>, so <c>FREE</c> and
    /// <c>free</c> are one tier, for a key's <c>tier</c> too.
    /// </summary>
    public Dictionary<string, TierOptions> Tiers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tier of a key that names none (or names one the config no longer has).</summary>
    public string DefaultTier { get; set; } = "free";

    /// <summary>StackExchange.Redis connection string: when set, limits and quotas are shared by every gateway through Redis.</summary>
    public string? Redis { get; set; }

    /// <summary>How often spent quota is written to the store; a crash loses at most this much quota accounting.</summary>
    public int QuotaFlushSeconds { get; set; } = 5;

    /// <summary>How long a lineage whose bucket is full again and whose quota is persisted stays in memory before eviction.</summary>
    public int IdleSeconds { get; set; } = 60;

    /// <summary>
    /// The tiers used when the configuration defines none (the same as both <c>appsettings.json</c> ship). A configuration
    /// that defines any tier replaces them all.
    /// </summary>
    public void UseDefaultTiersIfNone()
    {
        if (Tiers.Count > 0)
        {
            return;
        }
        Tiers["free"] = new TierOptions { Limit = 100, PeriodSeconds = 60, Daily = 10_000 };
        Tiers["pro"] = new TierOptions { Limit = 1000, PeriodSeconds = 60, Daily = 1_000_000 };
        Tiers["enterprise"] = new TierOptions { Limit = 10_000, PeriodSeconds = 60 };
    }
}
