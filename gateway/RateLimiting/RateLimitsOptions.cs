namespace ApiGateway.Gateway.RateLimiting;

/// <summary>The <c>RateLimits</c> section: named tiers, the tier of keys that name none, and the quota store cadence.</summary>
public sealed class RateLimitsOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Tiers by name (<c>RateLimits:Tiers:{name}</c>); names match a key's <c>tier</c> case-insensitively.</summary>
    public Dictionary<string, TierOptions> Tiers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The tier of a key that names none (or names one the config no longer has).</summary>
    public string DefaultTier { get; set; } = "free";

    /// <summary>StackExchange.Redis connection string: when set, limits and quotas are shared by every gateway through Redis.</summary>
    public string? Redis { get; set; }

    /// <summary>How often spent quota is written to the store; a crash loses at most this much quota accounting.</summary>
    public int QuotaFlushSeconds { get; set; } = 5;

    /// <summary>
    /// The tiers used when the configuration defines none (the same as <c>appsettings.json</c> ships, and the names the
    /// admin API offers). A configuration that defines any tier replaces them all.
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

    /// <summary>How long a lineage whose bucket is full again and whose quota is persisted stays in memory before eviction.</summary>
    public int IdleSeconds { get; set; } = 60;
}
