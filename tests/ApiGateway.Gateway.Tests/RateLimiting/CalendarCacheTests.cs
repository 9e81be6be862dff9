using ApiGateway.Gateway.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class CalendarCacheTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void At_SameDay_ReturnsTheCachedCalendar()
    {
        var cache = new CalendarCache(new FakeTimeProvider(Noon));

        var first = cache.At(Noon.UtcTicks);

        Assert.Same(first, cache.At(Noon.AddHours(11).UtcTicks));
        Assert.Equal("d:2026-03-10", first.DayPeriod);
    }

    [Fact]
    public void At_NextDay_SwapsTodayForTheNewDay()
    {
        var cache = new CalendarCache(new FakeTimeProvider(Noon));
        var today = cache.At(Noon.UtcTicks);

        var tomorrow = cache.At(Noon.AddHours(12).UtcTicks);

        Assert.NotSame(today, tomorrow);
        Assert.Equal("d:2026-03-11", tomorrow.DayPeriod);
        Assert.Same(tomorrow, cache.At(Noon.AddHours(13).UtcTicks));
    }

    [Fact]
    public void PeriodNames_TodayAndThisMonth_ReuseTheCachedStrings()
    {
        var cache = new CalendarCache(new FakeTimeProvider(Noon));
        var today = cache.At(Noon.UtcTicks);

        Assert.Same(today.DayPeriod, cache.DayPeriodName(today.DayId));
        Assert.Same(today.MonthPeriod, cache.MonthPeriodName(today.MonthId));
    }

    [Fact]
    public void PeriodNames_OtherDayAndMonth_AreFormattedForThatPeriod()
    {
        var cache = new CalendarCache(new FakeTimeProvider(Noon));
        var today = cache.At(Noon.UtcTicks);

        Assert.Equal("d:2026-03-09", cache.DayPeriodName(today.DayId - 1));
        Assert.Equal("m:2026-02", cache.MonthPeriodName(today.MonthId - 1));
        Assert.Equal("m:2025-12", cache.MonthPeriodName(today.MonthId - 3));
    }
}
