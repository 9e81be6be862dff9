namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// When a failed delivery is tried again: 5 s, 30 s, 2 min, 10 min, 1 h after the 1st to 5th failures, then hourly, while
/// the next attempt is still within <c>Webhooks:MaxAttemptHours</c> of the event; past that it is given up (null).
/// </summary>
internal static class WebhookBackoff
{
    private static readonly TimeSpan[] Delays =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];

    public static TimeSpan After(int failedAttempt) => Delays[Math.Clamp(failedAttempt, 1, Delays.Length) - 1];

    public static DateTimeOffset? Next(int failedAttempt, DateTimeOffset eventAt, DateTimeOffset now, TimeSpan maxAge)
    {
        var next = now + After(failedAttempt);
        return next - eventAt <= maxAge ? next : null;
    }
}
