using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class UtcCalendarTests
{
    [Fact]
    public void At_LastTickOfADay_BelongsToThatDayAndItsMonth()
    {
        var lastTick = new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc).AddDays(1).Ticks - 1;

        var calendar = UtcCalendar.At(lastTick);

        Assert.Equal("d:2026-01-31", calendar.DayPeriod);
        Assert.Equal("m:2026-01", calendar.MonthPeriod);
        Assert.True(calendar.Contains(lastTick));
        Assert.False(calendar.Contains(lastTick + 1));
        Assert.Equal(new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, calendar.MonthEnd);
    }

    [Theory]
    [InlineData(2026, 2, 28)]
    [InlineData(2028, 2, 29)] // leap year
    [InlineData(2026, 4, 30)]
    [InlineData(2026, 12, 31)]
    public void MonthWindow_IsTheLengthOfTheMonth(int year, int month, int days)
    {
        var calendar = UtcCalendar.At(new DateTime(year, month, 15, 8, 0, 0, DateTimeKind.Utc).Ticks);

        Assert.Equal(TimeSpan.FromDays(days), calendar.MonthWindow);
        Assert.Equal(calendar.DayStart + TimeSpan.TicksPerDay, calendar.DayEnd);
    }

    [Fact]
    public void Ids_DecemberToJanuary_ConsecutiveAndNamedForTheirPeriod()
    {
        var december = UtcCalendar.At(new DateTime(2026, 12, 31, 23, 0, 0, DateTimeKind.Utc).Ticks);
        var january = UtcCalendar.At(new DateTime(2027, 1, 1, 1, 0, 0, DateTimeKind.Utc).Ticks);

        Assert.Equal(december.DayId + 1, january.DayId);
        Assert.Equal(december.MonthId + 1, january.MonthId);
        Assert.Equal("m:2027-01", UtcCalendar.MonthPeriodName(january.MonthId));
        Assert.Equal("d:2027-01-01", UtcCalendar.DayPeriodName(january.DayId));
    }
}
