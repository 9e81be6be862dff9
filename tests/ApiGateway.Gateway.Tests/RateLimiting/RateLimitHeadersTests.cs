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
}
