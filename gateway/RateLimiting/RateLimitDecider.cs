namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// One request's answer as a pure function: <see cref="Decide"/> runs the GCRA buckets (<see cref="Gcra"/>) and the
/// calendar quotas of the key's lineage, and of the workspace's own limits when it has some, on their stored state; and
/// <see cref="Report"/> turns the outcome into what the RateLimit headers show. The local limiter decides with
/// <see cref="Decide"/> under one lock (docs/rate-limits.md); the Redis limiter's script decides the same way in Lua
/// (<see cref="RedisRateLimitScript"/>) and its answer is reported with <see cref="Report"/>, so both paths describe a
/// decision identically.
/// </summary>
internal static class RateLimitDecider
{
    /// <summary>What one subject (a key lineage, or a workspace) has stored: its bucket and the units it spent this day and month.</summary>
    public readonly record struct Stored(GcraState Bucket, long DaySpent, long MonthSpent);

    /// <summary>The key's limits alone (a workspace without limits of its own), one unit of each quota.</summary>
    public static RateLimitDecision Decide(
        GcraState stored, RateLimitPolicy policy, long now, UtcCalendar calendar, long daySpent, long monthSpent, out GcraState admitted) =>
        Decide(new Stored(stored, daySpent, monthSpent), policy, default, null, now, calendar, cost: 1, out admitted, out _);

    /// <summary>
    /// Decides one request against the key's <paramref name="policy"/> and, when set, the workspace's
    /// <paramref name="workspacePolicy"/>: admitted only if every limit admits it, and then it spends one rate token of
    /// each bucket and <paramref name="cost"/> units of each quota. When several limits are spent the refusal names the one
    /// that lasts longest (its wait is the <c>Retry-After</c>). <paramref name="admitted"/> and <paramref name="workspaceAdmitted"/>
    /// are the bucket states to store when the decision admits; a refusal hands back the stored ones unchanged, so a refusal
    /// by any limit spends nothing in the others (see <see cref="Gcra"/>).
    /// </summary>
    public static RateLimitDecision Decide(
        in Stored key, RateLimitPolicy policy, in Stored workspace, RateLimitPolicy? workspacePolicy, long now, UtcCalendar calendar, long cost,
        out GcraState admitted, out GcraState workspaceAdmitted)
    {
        var refusal = RateLimitRefusal.None;
        var retryAfter = 0L;
        if (!Gcra.TryAdmit(key.Bucket, policy, now, out admitted, out var rateWait))
        {
            Refuse(RateLimitRefusal.Rate, rateWait, ref refusal, ref retryAfter);
        }
        CheckQuotas(key, policy, now, calendar, cost, RateLimitRefusal.DailyQuota, RateLimitRefusal.MonthlyQuota, ref refusal, ref retryAfter);
        workspaceAdmitted = workspace.Bucket;
        if (workspacePolicy is not null)
        {
            if (workspacePolicy.HasRate && !Gcra.TryAdmit(workspace.Bucket, workspacePolicy, now, out workspaceAdmitted, out var workspaceWait))
            {
                Refuse(RateLimitRefusal.WorkspaceRate, workspaceWait, ref refusal, ref retryAfter);
            }
            CheckQuotas(workspace, workspacePolicy, now, calendar, cost,
                RateLimitRefusal.WorkspaceDailyQuota, RateLimitRefusal.WorkspaceMonthlyQuota, ref refusal, ref retryAfter);
        }
        var spent = refusal == RateLimitRefusal.None ? cost : 0;
        if (spent == 0)
        {
            admitted = key.Bucket;
            workspaceAdmitted = workspace.Bucket;
        }
        var workspaceStatus = workspacePolicy is null ? (WorkspaceStatus?)null : WorkspaceReport(
            workspacePolicy, Gcra.Remaining(workspaceAdmitted, workspacePolicy, now), Gcra.ResetAfter(workspaceAdmitted, now),
            workspace.DaySpent + spent, workspace.MonthSpent + spent, calendar, now);
        return Report(refusal, policy, Gcra.Remaining(admitted, policy, now), Gcra.ResetAfter(admitted, now), retryAfter,
            key.DaySpent + spent, key.MonthSpent + spent, calendar, now, workspaceStatus);
    }

    /// <summary>
    /// The decision as the headers report it: <paramref name="remaining"/> and <paramref name="resetAfterTicks"/> describe
    /// the key's bucket after the decision, <paramref name="daySpent"/> and <paramref name="monthSpent"/> its counters after it.
    /// </summary>
    public static RateLimitDecision Report(
        RateLimitRefusal refusal, RateLimitPolicy policy, long remaining, long resetAfterTicks, long retryAfterTicks,
        long daySpent, long monthSpent, UtcCalendar calendar, long now, WorkspaceStatus? workspace = null) =>
        new(
            refusal,
            policy,
            Remaining: remaining,
            ResetAfter: TimeSpan.FromTicks(resetAfterTicks),
            RetryAfter: TimeSpan.FromTicks(retryAfterTicks),
            Daily: DayStatus(policy, daySpent, calendar, now),
            Monthly: MonthStatus(policy, monthSpent, calendar, now),
            Workspace: workspace);

    /// <summary>The workspace's part of a decision, as the headers report it (its bucket after the decision and its counters).</summary>
    public static WorkspaceStatus WorkspaceReport(
        RateLimitPolicy policy, long remaining, long resetAfterTicks, long daySpent, long monthSpent, UtcCalendar calendar, long now) =>
        new(policy, remaining, TimeSpan.FromTicks(resetAfterTicks), DayStatus(policy, daySpent, calendar, now), MonthStatus(policy, monthSpent, calendar, now));

    /// <summary>A quota with fewer units left than the request costs refuses it until its period ends.</summary>
    private static void CheckQuotas(
        in Stored stored, RateLimitPolicy policy, long now, UtcCalendar calendar, long cost, RateLimitRefusal daily, RateLimitRefusal monthly,
        ref RateLimitRefusal refusal, ref long retryAfter)
    {
        if (policy.Daily is { } dayLimit && stored.DaySpent + cost > dayLimit)
        {
            Refuse(daily, calendar.DayEnd - now, ref refusal, ref retryAfter);
        }
        if (policy.Monthly is { } monthLimit && stored.MonthSpent + cost > monthLimit)
        {
            Refuse(monthly, calendar.MonthEnd - now, ref refusal, ref retryAfter);
        }
    }

    /// <summary>The refusal that lasts longest wins (the first, on a tie): <c>Retry-After</c> is the longest wait that applies.</summary>
    private static void Refuse(RateLimitRefusal candidate, long wait, ref RateLimitRefusal refusal, ref long retryAfter)
    {
        if (refusal == RateLimitRefusal.None || wait > retryAfter)
        {
            refusal = candidate;
            retryAfter = wait;
        }
    }

    private static QuotaStatus? DayStatus(RateLimitPolicy policy, long daySpent, UtcCalendar calendar, long now) =>
        policy.Daily is { } d ? new QuotaStatus(d, Math.Max(0, d - daySpent), TimeSpan.FromTicks(calendar.DayEnd - now), UtcCalendar.DayWindow) : null;

    private static QuotaStatus? MonthStatus(RateLimitPolicy policy, long monthSpent, UtcCalendar calendar, long now) =>
        policy.Monthly is { } m ? new QuotaStatus(m, Math.Max(0, m - monthSpent), TimeSpan.FromTicks(calendar.MonthEnd - now), calendar.MonthWindow) : null;
}
