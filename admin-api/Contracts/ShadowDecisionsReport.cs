namespace ApiGateway.AdminApi.Contracts;

/// <summary>
/// <c>GET /v1/shadow-decisions</c>: per live route and outcome, the keys the gateways' shadow routes file decides
/// differently (docs/admin-api.md "Shadow decisions"), from hours with a difference at or after <see cref="Since"/>.
/// </summary>
public sealed record ShadowDecisionsReport(DateTimeOffset Since, IReadOnlyList<ShadowRouteDecisions> Routes, bool Truncated);

/// <summary>One live route and outcome (<c>would_refuse</c> or <c>would_allow</c>) with its keys, most requests first.</summary>
public sealed record ShadowRouteDecisions(string Route, string Outcome, IReadOnlyList<ShadowKeyDecisions> Keys);

/// <summary>A key (its name and workspace are null once the key no longer exists), its request count and the last one.</summary>
public sealed record ShadowKeyDecisions(string Id, string? Name, string? WorkspaceId, long Count, DateTimeOffset LastSeenAt);
