namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// One request to admit: the key lineage whose state it spends and the policy resolved for the key; the limits of the
/// workspace it is served for, when that workspace has its own (<see cref="Workspace"/>); and its <see cref="Cost"/>, the
/// units it spends of every quota (rate limits count requests). Key and workspace are decided together, in one step.
/// </summary>
internal readonly record struct RateLimitRequest(string LineageId, RateLimitPolicy Policy, WorkspaceLimit? Workspace = null, int Cost = 1);

/// <summary>
/// A workspace's own limits as one request spends them: <see cref="StateId"/> (<c>ws:{workspaceId}</c>) names its
/// bucket and quota counters, as a lineage id names a key's (the quota ledger and Redis keep them the same way).
/// </summary>
internal readonly record struct WorkspaceLimit(string StateId, RateLimitPolicy Policy);
