namespace ApiGateway.Keys.Model;

/// <summary>
/// Limits a workspace sets on top of each key's own (docs/admin-api.md "Workspace limits"): every key serving the
/// workspace also spends from its bucket and quotas, so minting more keys gives a customer no more capacity. At least
/// one of <see cref="Tier"/>, <see cref="RateLimit"/> and <see cref="Quota"/> is set.
/// </summary>
public sealed record WorkspaceLimits
{
    public required string WorkspaceId { get; init; }

    /// <summary>A configured tier: its limit and quotas apply where <see cref="RateLimit"/> and <see cref="Quota"/> say nothing.</summary>
    public string? Tier { get; init; }

    public RateLimitOverride? RateLimit { get; init; }

    public QuotaOverride? Quota { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The id of the admin credential that set them (the audit event's actor).</summary>
    public required string UpdatedBy { get; init; }

    /// <summary>Whether <paramref name="other"/> sets the same limits (who set them and when aside).</summary>
    public bool SameLimits(WorkspaceLimitsSpec other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Tier, other.Tier, StringComparison.Ordinal) && Equals(RateLimit, other.RateLimit) && Equals(Quota, other.Quota);
    }
}

/// <summary>What <c>PUT /v1/workspaces/{workspaceId}/limits</c> sets: the limits of a <see cref="WorkspaceLimits"/>.</summary>
public sealed record WorkspaceLimitsSpec(string? Tier, RateLimitOverride? RateLimit, QuotaOverride? Quota)
{
    public bool IsEmpty => Tier is null && RateLimit is null && Quota is null;
}

/// <summary>
/// The change-feed id of a workspace's limits: <c>workspace:{workspaceId}</c>. Key ids (<c>key_…</c>) never take this
/// form, so gateways following <c>key_changes</c> tell the two apart.
/// </summary>
public static class WorkspaceFeedIds
{
    public const string Prefix = "workspace:";

    public static string For(string workspaceId) => Prefix + workspaceId;

    public static bool TryParse(string feedId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? workspaceId)
    {
        ArgumentNullException.ThrowIfNull(feedId);
        workspaceId = feedId.StartsWith(Prefix, StringComparison.Ordinal) ? feedId[Prefix.Length..] : null;
        return workspaceId is not null;
    }
}
