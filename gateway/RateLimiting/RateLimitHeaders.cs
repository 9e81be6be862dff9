using System.Globalization;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The draft-ietf-httpapi-ratelimit-headers-11 fields for one decision: <c>RateLimit-Policy: "free";q=100;w=60</c> and
/// <c>RateLimit: "free";r=42;t=18</c>, plus a <c>"daily"</c> and/or <c>"monthly"</c> item when a quota applies.
/// Seconds are rounded up, so a client that waits <c>t</c> is never early. The policy value is cached per policy (and
/// per month length); the <c>RateLimit</c> value changes with every decision and is one string, formatted on the stack.
/// </summary>
internal static class RateLimitHeaders
{
    public const string PolicyHeaderName = "RateLimit-Policy";
    public const string LimitHeaderName = "RateLimit";

    /// <summary>Room for three items with 20-digit numbers and 64-character names.</summary>
    private const int MaxLimitLength = 320;

    public static string Policy(in RateLimitDecision decision) =>
        decision.Monthly is { } monthly ? decision.Policy.PolicyHeaderWithMonthly(monthly.Limit, Seconds(monthly.Window)) : decision.Policy.PolicyHeader;

    public static string Limit(in RateLimitDecision decision)
    {
        Span<char> buffer = stackalloc char[MaxLimitLength];
        var written = 0;
        Append(buffer, ref written, decision.Policy.Name, decision.Remaining, Seconds(decision.ResetAfter));
        if (decision.Daily is { } daily)
        {
            Append(buffer, ref written, RateLimitPolicy.DailyName, daily.Remaining, Seconds(daily.ResetAfter));
        }
        if (decision.Monthly is { } monthly)
        {
            Append(buffer, ref written, RateLimitPolicy.MonthlyName, monthly.Remaining, Seconds(monthly.ResetAfter));
        }
        return new string(buffer[..written]);
    }

    /// <summary>Whole seconds, rounded up (<c>Retry-After</c> and <c>t</c>).</summary>
    public static long Seconds(TimeSpan duration) =>
        duration <= TimeSpan.Zero ? 0 : (duration.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;

    /// <summary>Appends <c>"name";r=remaining;t=seconds</c>, after a <c>, </c> unless it is the first item.</summary>
    private static void Append(Span<char> buffer, ref int written, string name, long remaining, long seconds)
    {
        var separator = written == 0 ? "" : ", ";
        var ok = buffer[written..].TryWrite(CultureInfo.InvariantCulture, $"{separator}\"{name}\";r={remaining};t={seconds}", out var count);
        // The buffer holds three items of the longest names and numbers there are: it cannot fill up.
        System.Diagnostics.Debug.Assert(ok);
        written += count;
    }
}
