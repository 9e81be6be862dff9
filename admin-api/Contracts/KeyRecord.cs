using System.Diagnostics.CodeAnalysis;

namespace ApiGateway.AdminApi.Contracts;

/// <summary>A key as the admin API shows it: never its plaintext or hash.</summary>
public record KeyRecord
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>The first 16 characters of the key, to recognise it in a list.</summary>
    public required string Prefix { get; init; }
    /// <summary><c>live</c> or <c>test</c>.</summary>
    public required string Mode { get; init; }
    public required string WorkspaceId { get; init; }
    public required IReadOnlyList<string> Workspaces { get; init; }
    public required string? Owner { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public required string? Tier { get; init; }
    public required RateLimitBody? RateLimit { get; init; }
    public required QuotaBody? Quota { get; init; }
    public required IReadOnlyList<string> AllowedIps { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The id of the admin credential that created the key.</summary>
    public required string CreatedBy { get; init; }
    public required DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>Null when the key was never used.</summary>
    public required DateTimeOffset? LastUsedAt { get; init; }
    /// <summary><c>active</c>, <c>disabled</c>, <c>expired</c> or <c>revoked</c>, computed at the time of the response.</summary>
    public required string Status { get; init; }
    /// <summary>False while the key is paused (<c>PATCH enabled: false</c>): the gateway answers 403.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>When the key was reported as leaked (null unless reported), and by whom.</summary>
    public DateTimeOffset? LeakedAt { get; init; }
    public string? LeakSource { get; init; }
    public required DateTimeOffset? RevokedAt { get; init; }
    public required string? RotatedFrom { get; init; }
    public required string? RotatedTo { get; init; }
    public required UsageBody Usage { get; init; }
}

/// <summary>The creation (or rotation) response: the record plus the plaintext key, shown this once.</summary>
public sealed record CreatedKey : KeyRecord
{
    [SetsRequiredMembers]
    public CreatedKey(KeyRecord record, string key)
        : base(record)
    {
        Key = key;
    }

    /// <summary>The plaintext key. It is not stored and cannot be shown again.</summary>
    public string Key { get; }

    public override string ToString() => $"CreatedKey {{ Id = {Id} }}";
}

public sealed record RateLimitBody(int Limit, int PeriodSeconds);

/// <summary>A key's quotas; either may be absent (null), so the OpenAPI document lists neither as required.</summary>
public sealed record QuotaBody(long? Daily = null, long? Monthly = null);

public sealed record UsageBody(long Last24h, long Last7d, long Last30d);
