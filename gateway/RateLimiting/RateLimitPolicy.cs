using System.Globalization;
using ApiGateway.Keys.RateLimits;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The limits that apply to one request, resolved from the key and the tiers: a bucket of <see cref="Limit"/> requests
/// refilled continuously over <see cref="PeriodSeconds"/> (GCRA), and optional calendar UTC quotas.
/// </summary>
internal sealed class RateLimitPolicy
{
    /// <summary>The policy name in the RateLimit headers of a key with its own <c>rateLimit</c>.</summary>
    public const string KeyOverrideName = TierNames.KeyOverride;
    public const string DailyName = TierNames.Daily;
    public const string MonthlyName = TierNames.Monthly;

    public RateLimitPolicy(string name, int limit, int periodSeconds, long? daily, long? monthly, bool failClosed = false)
    {
        FailClosed = failClosed;
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodSeconds, 1);
        Name = name;
        Limit = limit;
        PeriodSeconds = periodSeconds;
        Daily = daily;
        Monthly = monthly;
        // Integer GCRA: one request costs EmissionTicks and the bucket holds exactly Limit of them, so a full bucket
        // admits exactly Limit requests; the truncation makes the refill at most Limit ticks (100 ns each) faster per period.
        EmissionTicks = Math.Max(1, periodSeconds * TimeSpan.TicksPerSecond / limit);
        BurstTicks = EmissionTicks * limit;
        var policy = string.Create(CultureInfo.InvariantCulture, $"\"{name}\";q={limit};w={periodSeconds}");
        PolicyHeader = daily is { } d ? string.Create(CultureInfo.InvariantCulture, $"{policy}, \"{DailyName}\";q={d};w=86400") : policy;
    }

    public string Name { get; }

    public int Limit { get; }

    public int PeriodSeconds { get; }

    public long? Daily { get; }

    public long? Monthly { get; }

    /// <summary>When the shared backend (Redis) is unreachable: true refuses with a 503, false falls back to the local limiter.</summary>
    public bool FailClosed { get; }

    public bool HasQuota => Daily is not null || Monthly is not null;

    /// <summary>The time one request adds to the bucket's theoretical arrival time.</summary>
    public long EmissionTicks { get; }

    /// <summary>How far ahead of now the theoretical arrival time may run: <c>Limit * EmissionTicks</c>.</summary>
    public long BurstTicks { get; }

    /// <summary><c>RateLimit-Policy</c> without the monthly item, whose window depends on the month.</summary>
    public string PolicyHeader { get; }

    /// <summary>
    /// <c>RateLimit-Policy</c> with the monthly item, whose window is the current month's length: built once per month
    /// length seen (a policy meets at most four), not per request.
    /// </summary>
    public string PolicyHeaderWithMonthly(long monthlyLimit, long windowSeconds)
    {
        var cached = _withMonthly;
        if (cached is not null && cached.Limit == monthlyLimit && cached.WindowSeconds == windowSeconds)
        {
            return cached.Value;
        }
        var value = string.Create(CultureInfo.InvariantCulture, $"{PolicyHeader}, \"{MonthlyName}\";q={monthlyLimit};w={windowSeconds}");
        _withMonthly = new MonthlyPolicyHeader(monthlyLimit, windowSeconds, value);
        return value;
    }

    private volatile MonthlyPolicyHeader? _withMonthly;

    private sealed record MonthlyPolicyHeader(long Limit, long WindowSeconds, string Value);
}
