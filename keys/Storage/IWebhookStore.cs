using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// Webhook endpoints, their delivery queue and attempt log (docs/webhooks.md). Events enter the queue through
/// <see cref="WebhookOutbox"/>, inside the transaction of the change they tell about.
/// </summary>
public interface IWebhookStore
{
    /// <summary>Stores the endpoint with its audit event (<see cref="AuditActions.WebhookCreated"/>, never the secret).</summary>
    Task CreateAsync(Webhook webhook, string secret, Actor actor, CancellationToken cancellationToken);

    /// <summary>Endpoints not deleted, oldest first.</summary>
    Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken);

    Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Deletes the endpoint and cancels its pending deliveries; false when there is no such (undeleted) endpoint.</summary>
    Task<bool> DeleteAsync(string id, Actor actor, CancellationToken cancellationToken);

    /// <summary>The endpoint's attempts, newest first, older than <paramref name="beforeId"/> when given.</summary>
    Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string webhookId, int limit, long? beforeId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> due deliveries until <paramref name="leaseUntil"/>: each the oldest pending one
    /// of its endpoint and key (so a key's events go in order), none held by another claimer's unexpired lease. The
    /// attempt count goes up at the claim, so an attempt cut short by a crash still counts.
    /// </summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Records how a claimed attempt ended, if the claim's lease is still the delivery's (false: another claimer took it
    /// over after the lease ran out, and its own outcome counts).
    /// </summary>
    Task<bool> CompleteAsync(ClaimedDelivery delivery, AttemptOutcome outcome, CancellationToken cancellationToken);

    /// <summary>When the earliest pending delivery is due (null: none pending).</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>Live keys expiring after <paramref name="now"/> and by <paramref name="horizon"/> that have not been warned about.</summary>
    Task<IReadOnlyList<ApiKey>> FindUnwarnedExpiringKeysAsync(DateTimeOffset now, DateTimeOffset horizon, int max, CancellationToken cancellationToken);

    /// <summary>Records the warning and writes its event in one transaction; false (nothing written) when it was already recorded.</summary>
    Task<bool> RecordExpiryWarningAsync(string keyId, WebhookEvent warning, CancellationToken cancellationToken);

    /// <summary>Quota exhaustions gateways recorded that have no event yet.</summary>
    Task<IReadOnlyList<QuotaExhaustion>> FindUnemittedQuotaExhaustionsAsync(int max, CancellationToken cancellationToken);

    /// <summary>Marks the exhaustion emitted and writes its event in one transaction; false when another process already did.</summary>
    Task<bool> EmitQuotaExhaustionAsync(QuotaExhaustion exhaustion, WebhookEvent exhausted, CancellationToken cancellationToken);

    /// <summary>A key by id (for event bodies).</summary>
    Task<ApiKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken);
}

/// <summary>A gateway refused <paramref name="KeyId"/>'s lineage for spent quota in <paramref name="Period"/> (<c>d:2026-11-25</c>, <c>m:2026-11</c>).</summary>
public sealed record QuotaExhaustion(string LineageId, string Period, string KeyId, DateTimeOffset At);
