using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class RateLimitHeadersTests
{
    private static readonly RateLimitPolicy Free = new("free", 100, 60, 10_000, null);

    [Fact]
    public void Format_RateOnly_MatchesTheDraftShape()
    {
        var policy = new RateLimitPolicy("enterprise", 10_000, 60, null, null);
        var decision = new RateLimitDecision(RateLimitRefusal.None, policy, 42, TimeSpan.FromSeconds(17.2), TimeSpan.Zero, null, null);

        Assert.Equal("\"enterprise\";q=10000;w=60", RateLimitHeaders.Policy(decision));
        Assert.Equal("\"enterprise\";r=42;t=18", RateLimitHeaders.Limit(decision));
    }

    [Fact]
    public void Format_DailyQuota_AddsDailyItem()
    {
        var daily = new QuotaStatus(10_000, 9_000, TimeSpan.FromSeconds(3600.5), TimeSpan.FromDays(1));
        var decision = new RateLimitDecision(RateLimitRefusal.None, Free, 42, TimeSpan.FromSeconds(18), TimeSpan.Zero, daily, null);

        Assert.Equal("\"free\";q=100;w=60, \"daily\";q=10000;w=86400", RateLimitHeaders.Policy(decision));
        Assert.Equal("\"free\";r=42;t=18, \"daily\";r=9000;t=3601", RateLimitHeaders.Limit(decision));
    }

    [Fact]
    public void Format_DailyAndMonthly_AddsBothWithTheMonthsLength()
    {
        var policy = new RateLimitPolicy("key", 5, 10, 50, 1000);
        var daily = new QuotaStatus(50, 0, TimeSpan.FromHours(2), TimeSpan.FromDays(1));
        var monthly = new QuotaStatus(1000, 950, TimeSpan.FromDays(3), TimeSpan.FromDays(28));
        var decision = new RateLimitDecision(RateLimitRefusal.DailyQuota, policy, 5, TimeSpan.Zero, TimeSpan.FromHours(2), daily, monthly);

        Assert.Equal("\"key\";q=5;w=10, \"daily\";q=50;w=86400, \"monthly\";q=1000;w=2419200", RateLimitHeaders.Policy(decision));
        Assert.Equal("\"key\";r=5;t=0, \"daily\";r=0;t=7200, \"monthly\";r=950;t=259200", RateLimitHeaders.Limit(decision));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(10_000_000, 1)]
    [InlineData(10_000_001, 2)]
    public void Seconds_RoundsUp(long ticks, long seconds)
    {
        Assert.Equal(seconds, RateLimitHeaders.Seconds(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void Format_WorkspaceLimits_KeyItemsFirstThenTheWorkspaces()
    {
        var daily = new QuotaStatus(10_000, 9_000, TimeSpan.FromSeconds(3600), TimeSpan.FromDays(1));
        var pool = RateLimitPolicy.ForWorkspace(1000, 60, 50_000, 900_000, failClosed: false)!;
        var workspace = new WorkspaceStatus(pool, 950, TimeSpan.FromSeconds(3),
            new QuotaStatus(50_000, 41_000, TimeSpan.FromSeconds(3600), TimeSpan.FromDays(1)),
            new QuotaStatus(900_000, 1, TimeSpan.FromDays(2), TimeSpan.FromDays(30)));
        var decision = new RateLimitDecision(RateLimitRefusal.None, Free, 42, TimeSpan.FromSeconds(18), TimeSpan.Zero, daily, null, workspace);

        Assert.Equal("\"free\";q=100;w=60, \"daily\";q=10000;w=86400, \"workspace\";q=1000;w=60, \"workspace-daily\";q=50000;w=86400, \"workspace-monthly\";q=900000;w=2592000",
            RateLimitHeaders.Policy(decision));
        Assert.Equal("\"free\";r=42;t=18, \"daily\";r=9000;t=3600, \"workspace\";r=950;t=3, \"workspace-daily\";r=41000;t=3600, \"workspace-monthly\";r=1;t=172800",
            RateLimitHeaders.Limit(decision));
    }

    [Fact]
    public void Format_QuotaOnlyWorkspace_HasNoRateItem()
    {
        var pool = RateLimitPolicy.ForWorkspace(null, null, null, 10, failClosed: false)!;
        var workspace = new WorkspaceStatus(pool, 0, TimeSpan.Zero, null, new QuotaStatus(10, 4, TimeSpan.FromDays(1), TimeSpan.FromDays(31)));
        var decision = new RateLimitDecision(RateLimitRefusal.None, Free, 42, TimeSpan.FromSeconds(18), TimeSpan.Zero, null, null, workspace);

        Assert.Equal("\"free\";q=100;w=60, \"daily\";q=10000;w=86400, \"workspace-monthly\";q=10;w=2678400", RateLimitHeaders.Policy(decision));
        Assert.Equal("\"free\";r=42;t=18, \"workspace-monthly\";r=4;t=86400", RateLimitHeaders.Limit(decision));
    }

    /// <summary>
    /// The policy value is cached (per policy, month length and key/workspace pair): with or without workspace limits,
    /// a warm request allocates nothing for it (the RateLimit value is the one string a request allocates; its formatting
    /// is measured in optimized code by bench/ApiGateway.Benchmarks, as unoptimized test code boxes the numbers).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Policy_Warm_AllocatesNothing(bool withWorkspace)
    {
        var daily = new QuotaStatus(10_000, 9_000, TimeSpan.FromSeconds(3600), TimeSpan.FromDays(1));
        var pool = RateLimitPolicy.ForWorkspace(1000, 60, 50_000, 900_000, failClosed: false)!;
        WorkspaceStatus? workspace = withWorkspace
            ? new WorkspaceStatus(pool, 950, TimeSpan.FromSeconds(3), null, new QuotaStatus(900_000, 1, TimeSpan.FromDays(2), TimeSpan.FromDays(30)))
            : null;
        var decision = new RateLimitDecision(RateLimitRefusal.None, Free, 42, TimeSpan.FromSeconds(18), TimeSpan.Zero, daily, null, workspace);
        var first = RateLimitHeaders.Policy(decision);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = RateLimitHeaders.Policy(decision);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(first, again);
        Assert.Equal(0, allocated);
    }
}
