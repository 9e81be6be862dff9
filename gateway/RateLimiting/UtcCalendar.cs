using System.Globalization;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The UTC day and month containing an instant, as the quota counters see them: period ids (days and months since
/// year 1), their bounds in ticks, and the period names of the <c>quota_usage</c> table (<c>d:2026-11-25</c>, <c>m:2026-11</c>).
/// Immutable: <see cref="CalendarCache"/> keeps today's and swaps it when the clock leaves the day.
/// </summary>
internal sealed class UtcCalendar
{
    private UtcCalendar(long ticks)
    {
        var day = new DateTime(ticks - (ticks % TimeSpan.TicksPerDay), DateTimeKind.Utc);
        var month = new DateTime(day.Year, day.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        DayId = DayIdOf(day);
        DayStart = day.Ticks;
        DayEnd = day.Ticks + TimeSpan.TicksPerDay;
        MonthId = MonthIdOf(day);
        MonthEnd = month.AddMonths(1).Ticks;
        MonthWindow = TimeSpan.FromTicks(MonthEnd - month.Ticks);
        DayPeriod = DayPeriodName(DayId);
        MonthPeriod = MonthPeriodName(MonthId);
    }

    public int DayId { get; }

    public long DayStart { get; }

    public long DayEnd { get; }

    public int MonthId { get; }

    public long MonthEnd { get; }

    /// <summary>The length of this month (28 to 31 days): the <c>w</c> of the monthly quota.</summary>
    public TimeSpan MonthWindow { get; }

    public string DayPeriod { get; }

    public string MonthPeriod { get; }

    public static readonly TimeSpan DayWindow = TimeSpan.FromDays(1);

    public bool Contains(long ticks) => ticks >= DayStart && ticks < DayEnd;

    public static UtcCalendar At(long utcTicks) => new(utcTicks);

    public static string DayPeriodName(int dayId) =>
        "d:" + new DateTime(dayId * TimeSpan.TicksPerDay, DateTimeKind.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string MonthPeriodName(int monthId) =>
        string.Create(CultureInfo.InvariantCulture, $"m:{monthId / 12:0000}-{(monthId % 12) + 1:00}");

    private static int DayIdOf(DateTime day) => (int)(day.Ticks / TimeSpan.TicksPerDay);

    private static int MonthIdOf(DateTime day) => (day.Year * 12) + day.Month - 1;
}
