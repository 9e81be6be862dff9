using System.ComponentModel.DataAnnotations;

namespace ApiGateway.Gateway.Authentication;

/// <summary>The <c>Auth</c> section (validated at start by <see cref="AuthOptionsValidator"/>).</summary>
internal sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>How long a cached key keeps working after the store was last reached (<c>Auth__StaleSeconds</c>, docs/gateway.md "Ports and settings").</summary>
    [Range(1, 86_400)]
    public int StaleSeconds { get; set; } = 30;

    /// <summary>How often the change feed is polled. The contract's bound is 1 s end to end.</summary>
    [Range(10, 1_000)]
    public int PollIntervalMilliseconds { get; set; } = 250;

    /// <summary>
    /// A cached answer (found or unknown) is re-read from the store once it is this old, whatever the change feed says:
    /// the safety net for a change the feed cannot show (docs/gateway.md "Freshness and outages").
    /// </summary>
    [Range(1, 86_400)]
    public int MaxCacheAgeSeconds { get; set; } = 60;

    /// <summary>
    /// Failed lookups (well-formed keys the store does not know) one client IP (IPv6: /64) may cause per minute; past it
    /// its keys that are not already cached get 429 without a store query (docs/gateway.md "Freshness and outages").
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailedLookupsPerMinute { get; set; } = 60;

    /// <summary>Unknown key hashes remembered (so guessing keys does not cost a store query each time).</summary>
    [Range(0, 10_000_000)]
    public int NegativeCacheSize { get; set; } = 10_000;

    /// <summary>
    /// Forwarded responses for a key that expires within this many days carry <c>Api-Key-Expires</c>
    /// (docs/gateway.md "Expiry warnings"); 0 turns the header off.
    /// </summary>
    [Range(0, 3_650)]
    public int ExpiryWarningDays { get; set; } = 7;

    public TimeSpan Stale => TimeSpan.FromSeconds(StaleSeconds);

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollIntervalMilliseconds);

    public TimeSpan MaxCacheAge => TimeSpan.FromSeconds(MaxCacheAgeSeconds);
}
