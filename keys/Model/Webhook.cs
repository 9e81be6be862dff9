namespace ApiGateway.Keys.Model;

/// <summary>A registered webhook endpoint as lists show it: never its secret (<see cref="WebhookTarget"/> carries that).</summary>
public sealed record Webhook(
    string Id, string Url, IReadOnlyList<string> Events, string? Description, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>One event written to the outbox: <paramref name="Payload"/> is the exact body every endpoint receives.</summary>
public sealed record WebhookEvent(string Id, string Type, string? KeyId, string Payload, DateTimeOffset CreatedAt);

/// <summary>
/// A delivery a dispatcher has claimed (under <paramref name="LeaseToken"/>): where to send which event, and which
/// attempt this is (1 for the first).
/// </summary>
public sealed record ClaimedDelivery(
    long Seq, string WebhookId, string Url, string Secret, string EventId, string Type, string Payload,
    DateTimeOffset EventAt, int Attempt, string LeaseToken);

/// <summary>What one attempt got, as <c>GET /v1/webhooks/{id}/deliveries</c> shows it (newest first).</summary>
public sealed record WebhookAttempt(
    long Id, string EventId, string Type, int Attempt, int? Status, string? Error, DateTimeOffset At, DateTimeOffset? NextAttemptAt);

/// <summary>
/// How an attempt ended: <paramref name="Delivered"/>, else retried at <paramref name="NextAttemptAt"/> or, when that is
/// null, given up.
/// </summary>
public sealed record AttemptOutcome(bool Delivered, int? Status, string? Error, DateTimeOffset At, DateTimeOffset? NextAttemptAt);

/// <summary>The event type names (docs/webhooks.md).</summary>
public static class WebhookEventTypes
{
    public const string KeyCreated = "key.created";
    public const string KeyUpdated = "key.updated";
    public const string KeyRevoked = "key.revoked";
    public const string KeyRotated = "key.rotated";
    public const string KeyLeaked = "key.leaked";
    public const string KeyExpiring = "key.expiring";
    public const string KeyQuotaExhausted = "key.quota_exhausted";

    /// <summary>Subscribes to every type, present and future.</summary>
    public const string All = "*";

    public static IReadOnlyList<string> Known { get; } =
        [KeyCreated, KeyUpdated, KeyRevoked, KeyRotated, KeyLeaked, KeyExpiring, KeyQuotaExhausted];
}
