namespace ApiGateway.AdminApi.Portal;

/// <summary>The body of <c>POST /v1/portal-sessions</c>: who the page is for and what they may do there.</summary>
public sealed record CreatePortalSessionRequest
{
    public string? WorkspaceId { get; init; }
    /// <summary>The signed-in user's id in the SaaS; keys minted on the page get it as their owner.</summary>
    public string? Owner { get; init; }
    public string? DisplayName { get; init; }
    /// <summary>The user's own permissions: catalogue scopes, <c>*:read</c> or <c>*</c>.</summary>
    public IReadOnlyList<string?>? AllowedScopes { get; init; }
    public int? TtlSeconds { get; init; }
    public string? ReturnUrl { get; init; }
}

/// <summary>The one-time start URL and when its token expires.</summary>
public sealed record CreatedPortalSession(string Url, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"CreatedPortalSession {{ ExpiresAt = {ExpiresAt:O} }}";
}
