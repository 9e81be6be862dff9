namespace ApiGateway.Keys.Model;

/// <summary>Usage is bucketed by UTC hour.</summary>
public static class UsageHours
{
    public static DateTimeOffset Start(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
