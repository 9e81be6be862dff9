using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class RateLimitDeciderTests
{
    private static readonly long Now = new DateTime(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly UtcCalendar Calendar = UtcCalendar.At(Now);
    private static readonly RateLimitPolicy TenPerMinute = new("t", 10, 60, null, null);
    private static readonly RateLimitPolicy Quotas = new("q", 10, 60, 5, 8);

    [Fact]
    public void Decide_EmptyBucket_AdmitsAndStoresOneEmissionOfDebt()
    {
        var decision = RateLimitDecider.Decide(default, TenPerMinute, Now, Calendar, 0, 0, out var admitted);

        Assert.True(decision.IsAllowed);
        Assert.Equal(new GcraState(Now + TimeSpan.TicksPerSecond * 6, TimeSpan.TicksPerSecond * 6), admitted);
        Assert.Equal(9, decision.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(6), decision.ResetAfter);
        Assert.Equal(TimeSpan.Zero, decision.RetryAfter);
    }

    [Fact]
    public void Decide_BucketSpent_RefusesForRateAndHandsBackTheStoredState()
    {
        var stored = new GcraState(Now + TimeSpan.TicksPerMinute, TimeSpan.TicksPerSecond * 6);

        var decision = RateLimitDecider.Decide(stored, TenPerMinute, Now, Calendar, 0, 0, out var admitted);

        Assert.Equal(RateLimitRefusal.Rate, decision.Refusal);
        Assert.Equal(stored, admitted);
        Assert.Equal(0, decision.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(60), decision.ResetAfter);
        Assert.Equal(TimeSpan.FromSeconds(6), decision.RetryAfter);
    }

    [Fact]
    public void Decide_DailyQuotaSpent_RefusesUntilTheDayEndsAndKeepsTheBucket()
    {
        var decision = RateLimitDecider.Decide(default, Quotas, Now, Calendar, daySpent: 5, monthSpent: 5, out var admitted);

        Assert.Equal(RateLimitRefusal.DailyQuota, decision.Refusal);
        Assert.Equal(default, admitted);
        Assert.Equal(TimeSpan.FromHours(12), decision.RetryAfter);
        Assert.Equal(new QuotaStatus(5, 0, TimeSpan.FromHours(12), TimeSpan.FromDays(1)), decision.Daily);
        Assert.Equal(new QuotaStatus(8, 3, TimeSpan.FromTicks(Calendar.MonthEnd - Now), TimeSpan.FromDays(31)), decision.Monthly);
    }

    [Fact]
    public void Decide_DailyAndMonthlySpent_NamesTheMonthThatLastsLonger()
    {
        var decision = RateLimitDecider.Decide(default, Quotas, Now, Calendar, daySpent: 8, monthSpent: 8, out _);

        Assert.Equal(RateLimitRefusal.MonthlyQuota, decision.Refusal);
        Assert.Equal(TimeSpan.FromTicks(Calendar.MonthEnd - Now), decision.RetryAfter);
    }

    [Fact]
    public void Decide_RateRefusalLastsLongerThanTheDay_StaysARateRefusal()
    {
        // Five minutes before midnight, a bucket a day in debt (a slow policy) outlasts the daily quota.
        var late = Calendar.DayEnd - TimeSpan.TicksPerMinute * 5;
        var slow = new RateLimitPolicy("s", 1, 86_400, 1, null);
        var stored = new GcraState(late + TimeSpan.TicksPerDay, TimeSpan.TicksPerDay);

        var decision = RateLimitDecider.Decide(stored, slow, late, Calendar, daySpent: 1, monthSpent: 1, out _);

        Assert.Equal(RateLimitRefusal.Rate, decision.Refusal);
        Assert.Equal(TimeSpan.FromDays(1), decision.RetryAfter);
    }

    [Fact]
    public void Decide_Admitted_ReportsTheCountsIncludingThisRequest()
    {
        var decision = RateLimitDecider.Decide(default, Quotas, Now, Calendar, daySpent: 4, monthSpent: 6, out _);

        Assert.True(decision.IsAllowed);
        Assert.Equal(0, decision.Daily!.Value.Remaining);
        Assert.Equal(1, decision.Monthly!.Value.Remaining);
    }

    [Fact]
    public void Report_NoQuotaInPolicy_ReportsNoQuotaStatus()
    {
        var decision = RateLimitDecider.Report(RateLimitRefusal.None, TenPerMinute, 3, 100, 0, 50, 50, Calendar, Now);

        Assert.Null(decision.Daily);
        Assert.Null(decision.Monthly);
        Assert.Equal(3, decision.Remaining);
        Assert.Equal(TimeSpan.FromTicks(100), decision.ResetAfter);
    }

    [Fact]
    public void Report_CountsBeyondTheLimit_ReportNothingRemainingNeverNegative()
    {
        var decision = RateLimitDecider.Report(RateLimitRefusal.DailyQuota, Quotas, 0, 0, 1, daySpent: 12, monthSpent: 30, Calendar, Now);

        Assert.Equal(0, decision.Daily!.Value.Remaining);
        Assert.Equal(0, decision.Monthly!.Value.Remaining);
    }
}
