namespace ApiGateway.AdminApi.Webhooks;

/// <summary>The <c>Webhooks</c> section (docs/webhooks.md), validated at start by <see cref="WebhooksOptionsValidator"/>.</summary>
public sealed class WebhooksOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// Lets endpoints on loopback, private, link-local and other internal addresses be registered and reached. Off: such
    /// URLs are refused at registration and such addresses at connect time (docs/security.md "Webhooks").
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one attempt may take, connect to last response byte, before it counts as failed.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How long after the event a failing delivery is still retried; then it is given up.</summary>
    public int MaxAttemptHours { get; set; } = 24;

    /// <summary>How many days before a key's <c>expiresAt</c> its <c>key.expiring</c> event is sent (once per key).</summary>
    public int ExpiringDays { get; set; } = 7;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);

    public TimeSpan MaxAttemptAge => TimeSpan.FromHours(MaxAttemptHours);

    public TimeSpan ExpiringWindow => TimeSpan.FromDays(ExpiringDays);
}
