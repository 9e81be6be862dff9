using System.Globalization;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The draft-ietf-httpapi-ratelimit-headers-11 fields for one decision: <c>RateLimit-Policy: "free";q=100;w=60</c> and
/// <c>RateLimit: "free";r=42;t=18</c>, plus a <c>"daily"</c> and/or <c>"monthly"</c> item when a quota applies, then,
/// when the workspace has limits of its own, its <c>"workspace"</c>, <c>"workspace-daily"</c> and
/// <c>"workspace-monthly"</c> items (key first). Seconds are rounded up, so a client that waits <c>t</c> is never early.
/// The policy value is cached per policy (and per month length, and per key and workspace policy pair); the
/// <c>RateLimit</c> value changes with every decision and is one string, formatted on the stack.
/// </summary>
internal static class RateLimitHeaders
{
    public const string PolicyHeaderName = "RateLimit-Policy";
    public const string LimitHeaderName = "RateLimit";

    /// <summary>Room for six items with 20-digit numbers and 64-character names.</summary>
    private const int MaxLimitLength = 640;

    public static string Policy(in RateLimitDecision decision)
    {
        var key = PolicyOf(decision.Policy, decision.Monthly);
        return decision.Workspace is { } workspace
            ? workspace.Policy.CombinedHeader(decision.Policy, key, PolicyOf(workspace.Policy, workspace.Monthly))
            : key;
    }

    public static string Limit(in RateLimitDecision decision)
    {
        Span<char> buffer = stackalloc char[MaxLimitLength];
        var written = 0;
        Append(buffer, ref written, decision.Policy.Name, decision.Remaining, Seconds(decision.ResetAfter));
        AppendQuotas(buffer, ref written, decision.Policy, decision.Daily, decision.Monthly);
        if (decision.Workspace is { } workspace)
        {
            if (workspace.Policy.HasRate)
            {
                Append(buffer, ref written, workspace.Policy.Name, workspace.Remaining, Seconds(workspace.ResetAfter));
            }
            AppendQuotas(buffer, ref written, workspace.Policy, workspace.Daily, workspace.Monthly);
        }
        return new string(buffer[..written]);
    }

    /// <summary>Whole seconds, rounded up (<c>Retry-After</c> and <c>t</c>).</summary>
    public static long Seconds(TimeSpan duration) =>
        duration <= TimeSpan.Zero ? 0 : (duration.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;

    private static string PolicyOf(RateLimitPolicy policy, QuotaStatus? monthly) =>
        monthly is { } m ? policy.PolicyHeaderWithMonthly(m.Limit, Seconds(m.Window)) : policy.PolicyHeader;

    private static void AppendQuotas(Span<char> buffer, ref int written, RateLimitPolicy policy, QuotaStatus? daily, QuotaStatus? monthly)
    {
        if (daily is { } day)
        {
            Append(buffer, ref written, policy.DailyItemName, day.Remaining, Seconds(day.ResetAfter));
        }
        if (monthly is { } month)
        {
            Append(buffer, ref written, policy.MonthlyItemName, month.Remaining, Seconds(month.ResetAfter));
        }
    }

    /// <summary>Appends <c>"name";r=remaining;t=seconds</c>, after a <c>, </c> unless it is the first item.</summary>
    private static void Append(Span<char> buffer, ref int written, string name, long remaining, long seconds)
    {
        var separator = written == 0 ? "" : ", ";
        var ok = buffer[written..].TryWrite(CultureInfo.InvariantCulture, $"{separator}\"{name}\";r={remaining};t={seconds}", out var count);
        // The buffer holds six items of the longest names and numbers there are: it cannot fill up.
        System.Diagnostics.Debug.Assert(ok);
        written += count;
    }
}
