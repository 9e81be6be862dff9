namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// One request's answer as a pure function: <see cref="Decide"/> runs the GCRA bucket (<see cref="Gcra"/>) and the
/// calendar quotas on a lineage's stored state, and <see cref="Report"/> turns the outcome into what the RateLimit
/// headers show. The local limiter decides with <see cref="Decide"/> under its cell's lock; the Redis limiter's script
/// decides the same way in Lua (<see cref="RedisRateLimitScript"/>) and its answer is reported with <see cref="Report"/>,
/// so both paths describe a decision identically.
/// </summary>
internal static class RateLimitDecider
{
    /// <summary>
    /// Decides one request. <paramref name="daySpent"/> and <paramref name="monthSpent"/> are what the lineage spent in
    /// <paramref name="calendar"/>'s day and month before it. When several limits are spent the refusal names the one
    /// that lasts longest. <paramref name="admitted"/> is the bucket state to store when the decision admits; a refusal
    /// hands back <paramref name="stored"/> unchanged (a refusal spends nothing: see <see cref="Gcra"/>).
    /// </summary>
    public static RateLimitDecision Decide(
        GcraState stored, RateLimitPolicy policy, long now, UtcCalendar calendar, long daySpent, long monthSpent, out GcraState admitted)
    {
        var refusal = Gcra.TryAdmit(stored, policy, now, out admitted, out var retryAfter) ? RateLimitRefusal.None : RateLimitRefusal.Rate;
        if (policy.Daily is { } daily && daySpent >= daily && calendar.DayEnd - now > retryAfter)
        {
            refusal = RateLimitRefusal.DailyQuota;
            retryAfter = calendar.DayEnd - now;
        }
        if (policy.Monthly is { } monthly && monthSpent >= monthly && calendar.MonthEnd - now > retryAfter)
        {
            refusal = RateLimitRefusal.MonthlyQuota;
            retryAfter = calendar.MonthEnd - now;
        }
        if (refusal == RateLimitRefusal.None)
        {
            daySpent++;
            monthSpent++;
        }
        else
        {
            admitted = stored;
        }
        return Report(refusal, policy, Gcra.Remaining(admitted, policy, now), Gcra.ResetAfter(admitted, now), retryAfter, daySpent, monthSpent, calendar, now);
    }

    /// <summary>
    /// The decision as the headers report it: <paramref name="remaining"/> and <paramref name="resetAfterTicks"/> describe
    /// the bucket after the decision, <paramref name="daySpent"/> and <paramref name="monthSpent"/> the counters after it.
    /// </summary>
    public static RateLimitDecision Report(
        RateLimitRefusal refusal, RateLimitPolicy policy, long remaining, long resetAfterTicks, long retryAfterTicks,
        long daySpent, long monthSpent, UtcCalendar calendar, long now) =>
        new(
            refusal,
            policy,
            Remaining: remaining,
            ResetAfter: TimeSpan.FromTicks(resetAfterTicks),
            RetryAfter: TimeSpan.FromTicks(retryAfterTicks),
            Daily: policy.Daily is { } d ? new QuotaStatus(d, Math.Max(0, d - daySpent), TimeSpan.FromTicks(calendar.DayEnd - now), UtcCalendar.DayWindow) : null,
            Monthly: policy.Monthly is { } m ? new QuotaStatus(m, Math.Max(0, m - monthSpent), TimeSpan.FromTicks(calendar.MonthEnd - now), calendar.MonthWindow) : null);
}
