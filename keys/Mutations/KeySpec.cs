using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Mutations;

/// <summary>What a caller asks for when minting a key; validated by the admin API before it gets here.</summary>
public sealed record KeySpec(
    string Name,
    string WorkspaceId,
    IReadOnlyList<string> Scopes,
    string? Owner,
    KeyMode Mode,
    DateTimeOffset? ExpiresAt,
    string? Tier,
    RateLimitOverride? RateLimit,
    QuotaOverride? Quota,
    IReadOnlyList<string> AllowedIps,
    IReadOnlyList<string> Workspaces);
