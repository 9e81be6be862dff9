namespace ApiGateway.AdminApi.Contracts;

/// <summary>
/// The fields a new key is made of, declared once for a mint (<see cref="CreateKeyRequest"/>) and an import
/// (<see cref="ImportKeyItem"/>) and checked by one rule each (<c>KeyRequestValidator</c>). Not polymorphic: each body's
/// OpenAPI schema lists these fields as its own.
/// </summary>
public abstract record KeyFieldsRequest
{
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
