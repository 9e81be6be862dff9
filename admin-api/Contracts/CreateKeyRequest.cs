namespace ApiGateway.AdminApi.Contracts;

/// <summary>
/// <c>POST /v1/keys</c>. Everything is nullable so a missing field is reported by validation, by name, with the rest.
/// </summary>
public sealed record CreateKeyRequest
{
    public string? Name { get; init; }
    public string? WorkspaceId { get; init; }
    public IReadOnlyList<string?>? Scopes { get; init; }
    public string? Owner { get; init; }
    /// <summary><c>live</c> (default) or <c>test</c>.</summary>
    public string? Mode { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public int? ExpiresInDays { get; init; }
    public string? Tier { get; init; }
    public RateLimitRequest? RateLimit { get; init; }
    public QuotaRequest? Quota { get; init; }
    public IReadOnlyList<string?>? AllowedIps { get; init; }
    public IReadOnlyList<string?>? Workspaces { get; init; }
}

public sealed record RateLimitRequest(int? Limit, int? PeriodSeconds);

/// <summary><c>{ "daily": n }</c> and/or <c>{ "monthly": n }</c>: the defaults make the OpenAPI document list both as optional.</summary>
public sealed record QuotaRequest(long? Daily = null, long? Monthly = null);
