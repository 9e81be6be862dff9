namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The answer for one request, with what the RateLimit headers report. <see cref="Remaining"/> and
/// <see cref="ResetAfter"/> describe the key's bucket after the decision (a refusal spends nothing); <see cref="Workspace"/>
/// the workspace's limits, when the workspace the request is served for has its own.
/// </summary>
internal readonly record struct RateLimitDecision(
    RateLimitRefusal Refusal,
    RateLimitPolicy Policy,
    long Remaining,
    TimeSpan ResetAfter,
    TimeSpan RetryAfter,
    QuotaStatus? Daily,
    QuotaStatus? Monthly,
    WorkspaceStatus? Workspace = null)
{
    public bool IsAllowed => Refusal == RateLimitRefusal.None;

    /// <summary>Whether the limit or quota that refused was the workspace's (not the key's own).</summary>
    public bool IsWorkspaceRefusal => Refusal is RateLimitRefusal.WorkspaceRate or RateLimitRefusal.WorkspaceDailyQuota or RateLimitRefusal.WorkspaceMonthlyQuota;
}

/// <summary>Why a request was refused; when several limits are spent, the one that lasts longest.</summary>
internal enum RateLimitRefusal
{
    None,
    Rate,
    DailyQuota,
    MonthlyQuota,

    /// <summary>The shared limiter (Redis) could not be reached and the tier fails closed: a 503, not a 429.</summary>
    BackendUnavailable,

    /// <summary>The workspace's own rate limit (docs/gateway.md "Workspace limits").</summary>
    WorkspaceRate,
    WorkspaceDailyQuota,
    WorkspaceMonthlyQuota,
}

/// <summary>A quota after the decision: <see cref="Window"/> is the calendar period's length, <see cref="ResetAfter"/> the time to its end.</summary>
internal readonly record struct QuotaStatus(long Limit, long Remaining, TimeSpan ResetAfter, TimeSpan Window);

/// <summary>
/// The workspace's limits after the decision: its bucket (when <see cref="Policy"/> has a rate limit) and its quotas.
/// </summary>
internal readonly record struct WorkspaceStatus(RateLimitPolicy Policy, long Remaining, TimeSpan ResetAfter, QuotaStatus? Daily, QuotaStatus? Monthly);
