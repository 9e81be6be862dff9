using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class RateLimitPolicyTests
{
    [Fact]
    public void New_BucketHoldsExactlyLimitEmissions()
    {
        var policy = new RateLimitPolicy("free", limit: 7, periodSeconds: 60, daily: null, monthly: null);

        Assert.Equal(60 * TimeSpan.TicksPerSecond / 7, policy.EmissionTicks);
        Assert.Equal(policy.EmissionTicks * 7, policy.BurstTicks);
        Assert.True(policy.BurstTicks <= TimeSpan.FromSeconds(60).Ticks);
        Assert.False(policy.HasQuota);
    }

    [Fact]
    public void New_LimitAboveTicksPerPeriod_EmissionNeverZero()
    {
        var policy = new RateLimitPolicy("huge", limit: int.MaxValue, periodSeconds: 1, daily: null, monthly: null);

        Assert.Equal(1, policy.EmissionTicks);
    }

    [Theory]
    [InlineData(0, 60)]
    [InlineData(10, 0)]
    public void New_NonPositiveLimitOrPeriod_Throws(int limit, int period)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitPolicy("bad", limit, period, null, null));
    }

    [Fact]
    public void PolicyHeader_WithDaily_ListsTheBucketThenTheDay()
    {
        var policy = new RateLimitPolicy("pro", 1000, 60, daily: 50_000, monthly: null);

        Assert.Equal("\"pro\";q=1000;w=60, \"daily\";q=50000;w=86400", policy.PolicyHeader);
        Assert.True(policy.HasQuota);
    }

    [Fact]
    public void PolicyHeaderWithMonthly_WindowIsTheMonthsLengthAndReusedWhileItHolds()
    {
        var policy = new RateLimitPolicy("free", 100, 60, daily: null, monthly: 3000);

        var february = policy.PolicyHeaderWithMonthly(3000, 28 * 86400);
        var again = policy.PolicyHeaderWithMonthly(3000, 28 * 86400);
        var march = policy.PolicyHeaderWithMonthly(3000, 31 * 86400);

        Assert.Equal("\"free\";q=100;w=60, \"monthly\";q=3000;w=2419200", february);
        Assert.Same(february, again);
        Assert.EndsWith("w=2678400", march, StringComparison.Ordinal);
    }
}
