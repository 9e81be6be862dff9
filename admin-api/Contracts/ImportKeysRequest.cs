namespace ApiGateway.AdminApi.Contracts;

/// <summary><c>POST /v1/keys/import</c>: 1-1000 keys from another system, stored all together or not at all.</summary>
public sealed record ImportKeysRequest
{
    public IReadOnlyList<ImportKeyItem?>? Keys { get; init; }
}

/// <summary>
/// One imported key: the SHA-256 of its plaintext (64 hex digits; we never see the plaintext), the visible prefix to list
/// it by, and the fields of a mint (<c>expiresAt</c> only: an imported key keeps the end it had).
/// </summary>
public sealed record ImportKeyItem
{
    public string? Hash { get; init; }
    public string? Prefix { get; init; }
    public string? Name { get; init; }
    public string? WorkspaceId { get; init; }
    public IReadOnlyList<string?>? Scopes { get; init; }
    public string? Owner { get; init; }
    /// <summary><c>live</c> (default) or <c>test</c>.</summary>
    public string? Mode { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public string? Tier { get; init; }
    public RateLimitRequest? RateLimit { get; init; }
    public QuotaRequest? Quota { get; init; }
    public IReadOnlyList<string?>? AllowedIps { get; init; }
    public IReadOnlyList<string?>? Workspaces { get; init; }
}

/// <summary>The imported keys' records, in input order.</summary>
public sealed record ImportedKeys(IReadOnlyList<KeyRecord> Items);
