using System.Globalization;
using System.Text;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The draft-ietf-httpapi-ratelimit-headers-11 fields for one decision: <c>RateLimit-Policy: "free";q=100;w=60</c> and
/// <c>RateLimit: "free";r=42;t=18</c>, plus a <c>"daily"</c> and/or <c>"monthly"</c> item when a quota applies.
/// Seconds are rounded up, so a client that waits <c>t</c> is never early.
/// </summary>
internal static class RateLimitHeaders
{
    public const string PolicyHeaderName = "RateLimit-Policy";
    public const string LimitHeaderName = "RateLimit";

    public static string Policy(in RateLimitDecision decision)
    {
        var policy = decision.Policy;
        return decision.Monthly is { } monthly
            ? string.Create(CultureInfo.InvariantCulture, $"{policy.PolicyHeader}, \"{RateLimitPolicy.MonthlyName}\";q={monthly.Limit};w={Seconds(monthly.Window)}")
            : policy.PolicyHeader;
    }

    public static string Limit(in RateLimitDecision decision)
    {
        var builder = new StringBuilder(64);
        builder.Append(CultureInfo.InvariantCulture, $"\"{decision.Policy.Name}\";r={decision.Remaining};t={Seconds(decision.ResetAfter)}");
        if (decision.Daily is { } daily)
        {
            builder.Append(CultureInfo.InvariantCulture, $", \"{RateLimitPolicy.DailyName}\";r={daily.Remaining};t={Seconds(daily.ResetAfter)}");
        }
        if (decision.Monthly is { } monthly)
        {
            builder.Append(CultureInfo.InvariantCulture, $", \"{RateLimitPolicy.MonthlyName}\";r={monthly.Remaining};t={Seconds(monthly.ResetAfter)}");
        }
        return builder.ToString();
    }

    /// <summary>Whole seconds, rounded up (<c>Retry-After</c> and <c>t</c>).</summary>
    public static long Seconds(TimeSpan duration) =>
        duration <= TimeSpan.Zero ? 0 : (duration.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
}
