using ApiGateway.Keys.Format;

namespace ApiGateway.Keys.Model;

/// <summary>A stored API key: everything but its secret (never stored) and its hash (only in the keys table).</summary>
public sealed record ApiKey
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>The first 16 characters of the plaintext, to recognise a key in a list.</summary>
    public required string Prefix { get; init; }
    public required KeyMode Mode { get; init; }
    /// <summary>The primary workspace, used when a request selects none.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Extra workspaces the key may select with <c>X-Workspace-Id</c> or <c>workspace_id</c>.</summary>
    public IReadOnlyList<string> Workspaces { get; init; } = [];
    /// <summary>The user the key acts for, if any.</summary>
    public string? Owner { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public string? Tier { get; init; }
    public RateLimitOverride? RateLimit { get; init; }
    public QuotaOverride? Quota { get; init; }
    /// <summary>CIDRs (or single addresses) the key may be used from; empty means anywhere.</summary>
    public IReadOnlyList<string> AllowedIps { get; init; } = [];
    /// <summary>Shared by a key and every successor rotated from it: rate-limit and quota state hangs off this.</summary>
    public required string LineageId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RotatedFrom { get; init; }
    public string? RotatedTo { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    /// <summary>
    /// When the key was paused with <c>enabled: false</c> (null while enabled). A disabled key is refused with a 403 but is
    /// not revoked: it keeps its state and counts toward its owner's cap (docs/admin-api.md, "Disabled keys").
    /// </summary>
    public DateTimeOffset? DisabledAt { get; init; }
    /// <summary>When the key was reported as leaked (null unless reported); the key is then revoked or only flagged.</summary>
    public DateTimeOffset? LeakedAt { get; init; }
    /// <summary>Who reported the leak (the report's <c>source</c>, or GitHub), when <see cref="LeakedAt"/> is set.</summary>
    public string? LeakSource { get; init; }

    public bool Enabled => DisabledAt is null;

    /// <summary>Revoked and expired outrank disabled: a disabled key that then ends shows how it ended.</summary>
    public KeyStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null && RevokedAt <= now ? KeyStatus.Revoked
        : ExpiresAt is not null && ExpiresAt <= now ? KeyStatus.Expired
        : DisabledAt is not null ? KeyStatus.Disabled
        : KeyStatus.Active;

    /// <summary>Whether the key may act in <paramref name="workspaceId"/>: its primary workspace or one of its extras.</summary>
    public bool HoldsWorkspace(string workspaceId) =>
        string.Equals(WorkspaceId, workspaceId, StringComparison.Ordinal) || Workspaces.Contains(workspaceId, StringComparer.Ordinal);
}

public enum KeyStatus
{
    Active,
    Expired,
    Revoked,
    /// <summary>Paused (<c>enabled: false</c>): refused at the gateway with a 403 until re-enabled.</summary>
    Disabled,
}

/// <summary>A per-key rate limit replacing the tier's: <c>limit</c> requests refilled over <c>periodSeconds</c>.</summary>
public sealed record RateLimitOverride(int Limit, int PeriodSeconds);

/// <summary>Per-key quotas in calendar UTC days and months; null means the tier's (or none).</summary>
public sealed record QuotaOverride(long? Daily, long? Monthly);
