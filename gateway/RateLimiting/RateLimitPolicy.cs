using System.Globalization;
using System.Runtime.CompilerServices;
using ApiGateway.Keys.RateLimits;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The limits that apply to one request, resolved from the key and the tiers: a bucket of <see cref="Limit"/> requests
/// refilled continuously over <see cref="PeriodSeconds"/> (GCRA), and optional calendar UTC quotas. A workspace's own
/// limits are a policy too (<see cref="ForWorkspace"/>), whose items are named <c>workspace</c>, <c>workspace-daily</c>
/// and <c>workspace-monthly</c> and which may have quotas without a rate limit (<see cref="HasRate"/> false).
/// </summary>
internal sealed class RateLimitPolicy
{
    /// <summary>The policy name in the RateLimit headers of a key with its own <c>rateLimit</c>.</summary>
    public const string KeyOverrideName = TierNames.KeyOverride;
    public const string DailyName = TierNames.Daily;
    public const string MonthlyName = TierNames.Monthly;
    public const string WorkspaceName = TierNames.Workspace;

    private readonly ConditionalWeakTable<RateLimitPolicy, CombinedPolicyHeader> _combined = new();

    public RateLimitPolicy(string name, int limit, int periodSeconds, long? daily, long? monthly, bool failClosed = false)
        : this(name, limit, periodSeconds, daily, monthly, failClosed, DailyName, MonthlyName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodSeconds, 1);
    }

    private RateLimitPolicy(string name, int limit, int periodSeconds, long? daily, long? monthly, bool failClosed, string dailyName, string monthlyName)
    {
        FailClosed = failClosed;
        Name = name;
        Limit = limit;
        PeriodSeconds = periodSeconds;
        Daily = daily;
        Monthly = monthly;
        DailyItemName = dailyName;
        MonthlyItemName = monthlyName;
        HasRate = limit > 0;
        // Integer GCRA: one request costs EmissionTicks and the bucket holds exactly Limit of them, so a full bucket
        // admits exactly Limit requests; the truncation makes the refill at most Limit ticks (100 ns each) faster per period.
        EmissionTicks = HasRate ? Math.Max(1, periodSeconds * TimeSpan.TicksPerSecond / limit) : 0;
        BurstTicks = EmissionTicks * limit;
        var policy = HasRate ? string.Create(CultureInfo.InvariantCulture, $"\"{name}\";q={limit};w={periodSeconds}") : "";
        PolicyHeader = daily is { } d ? Join(policy, string.Create(CultureInfo.InvariantCulture, $"\"{dailyName}\";q={d};w=86400")) : policy;
    }

    /// <summary>
    /// A workspace's own limits (docs/gateway.md "Workspace limits"): a rate limit when <paramref name="limit"/> is set,
    /// quotas when set; null when there is nothing to limit.
    /// </summary>
    public static RateLimitPolicy? ForWorkspace(int? limit, int? periodSeconds, long? daily, long? monthly, bool failClosed)
    {
        if (limit is null && daily is null && monthly is null)
        {
            return null;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(limit ?? 1, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(periodSeconds ?? 1, 1);
        return new RateLimitPolicy(WorkspaceName, limit ?? 0, limit is null ? 0 : periodSeconds ?? 1, daily, monthly, failClosed,
            TierNames.WorkspaceDaily, TierNames.WorkspaceMonthly);
    }

    public string Name { get; }

    /// <summary>False for a workspace policy with quotas only: it has no bucket (0 <see cref="Limit"/>).</summary>
    public bool HasRate { get; }

    public int Limit { get; }

    public int PeriodSeconds { get; }

    public long? Daily { get; }

    public long? Monthly { get; }

    /// <summary>The names of the quota items in the RateLimit headers: <c>daily</c>/<c>monthly</c>, or a workspace's.</summary>
    public string DailyItemName { get; }

    public string MonthlyItemName { get; }

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
        var value = Join(PolicyHeader, string.Create(CultureInfo.InvariantCulture, $"\"{MonthlyItemName}\";q={monthlyLimit};w={windowSeconds}"));
        _withMonthly = new MonthlyPolicyHeader(monthlyLimit, windowSeconds, value);
        return value;
    }

    /// <summary>
    /// <paramref name="keyHeader"/> (a key policy's value) then <paramref name="workspaceHeader"/> (this workspace policy's):
    /// built once per key policy and month, kept beside this policy, so a request with workspace limits allocates no more
    /// than one without.
    /// </summary>
    public string CombinedHeader(RateLimitPolicy keyPolicy, string keyHeader, string workspaceHeader)
    {
        ArgumentNullException.ThrowIfNull(keyPolicy);
        if (_combined.TryGetValue(keyPolicy, out var cached)
            && ReferenceEquals(cached.KeyHeader, keyHeader) && ReferenceEquals(cached.WorkspaceHeader, workspaceHeader))
        {
            return cached.Value;
        }
        var value = Join(keyHeader, workspaceHeader);
        _combined.AddOrUpdate(keyPolicy, new CombinedPolicyHeader(keyHeader, workspaceHeader, value));
        return value;
    }

    private static string Join(string first, string second) => first.Length == 0 ? second : second.Length == 0 ? first : first + ", " + second;

    private volatile MonthlyPolicyHeader? _withMonthly;

    private sealed record MonthlyPolicyHeader(long Limit, long WindowSeconds, string Value);

    private sealed record CombinedPolicyHeader(string KeyHeader, string WorkspaceHeader, string Value);
}
