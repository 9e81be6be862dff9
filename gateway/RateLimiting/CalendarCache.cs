namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Today's <see cref="UtcCalendar"/>, swapped when the clock leaves the day, so a decision or a flush does not build a
/// calendar (and its period names) per call: nearly every request and every counter in a flush is in the current day.
/// </summary>
internal sealed class CalendarCache(TimeProvider time)
{
    private volatile UtcCalendar _today = UtcCalendar.At(time.GetUtcNow().UtcTicks);

    /// <summary>The calendar containing <paramref name="now"/> (UTC ticks); it becomes today's when it is not.</summary>
    public UtcCalendar At(long now)
    {
        var today = _today;
        if (today.Contains(now))
        {
            return today;
        }
        today = UtcCalendar.At(now);
        _today = today;
        return today;
    }

    /// <summary>The <c>quota_usage</c> period name of a day, reusing today's string.</summary>
    public string DayPeriodName(int dayId) => _today is { } today && today.DayId == dayId ? today.DayPeriod : UtcCalendar.DayPeriodName(dayId);

    /// <summary>The <c>quota_usage</c> period name of a month, reusing this month's string.</summary>
    public string MonthPeriodName(int monthId) => _today is { } today && today.MonthId == monthId ? today.MonthPeriod : UtcCalendar.MonthPeriodName(monthId);
}
