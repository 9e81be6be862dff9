namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The answer for one request, with what the RateLimit headers report. <see cref="Remaining"/> and
/// <see cref="ResetAfter"/> describe the bucket after the decision (a refusal spends nothing).
/// </summary>
internal readonly record struct RateLimitDecision(
    RateLimitRefusal Refusal,
    RateLimitPolicy Policy,
    long Remaining,
    TimeSpan ResetAfter,
    TimeSpan RetryAfter,
    QuotaStatus? Daily,
    QuotaStatus? Monthly)
{
    public bool IsAllowed => Refusal == RateLimitRefusal.None;
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
}

/// <summary>A quota after the decision: <see cref="Window"/> is the calendar period's length, <see cref="ResetAfter"/> the time to its end.</summary>
internal readonly record struct QuotaStatus(long Limit, long Remaining, TimeSpan ResetAfter, TimeSpan Window);
