using System.ComponentModel.DataAnnotations;

namespace ApiGateway.Gateway.Usage;

/// <summary>The <c>Usage</c> section: how the gateway batches per-key usage into the store.</summary>
public sealed class UsageOptions
{
    public const string SectionName = "Usage";

    /// <summary>
    /// Seconds between flushes of the in-memory counts. The contract wants usage visible in the admin API within 10 s,
    /// and a hard kill loses at most this much usage.
    /// </summary>
    [Range(1, 60)]
    public int FlushSeconds { get; set; } = 5;

    /// <summary>(key, hour) rows kept in memory while the store refuses flushes; past it the oldest hours are dropped.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxPendingRows { get; set; } = 100_000;

    /// <summary>
    /// Days hourly usage rows are kept before each gateway prunes them: <c>GET /v1/usage</c> reports up to 400 days of
    /// daily buckets, and billing exports read closed hours, so the default keeps the whole reportable window.
    /// </summary>
    [Range(31, 3650)]
    public int RetentionDays { get; set; } = 400;
}
