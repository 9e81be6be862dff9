using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// <see cref="IWebhookStore"/> on either engine. Claims run in a write transaction whose SELECT passes over rows another
/// claimer holds (<see cref="IStoreDialect.SkipLocked"/>: Postgres <c>FOR UPDATE SKIP LOCKED</c>; SQLite's write lock
/// admits one claimer at a time), then stamp the rows with a lease token: two admin API processes on one database
/// never take the same delivery, and a crashed claimer's rows are taken over once its lease has run out.
/// </summary>
public sealed class WebhookStore(IStoreDialect dialect, TimeProvider time) : IWebhookStore
{
    private const string WebhookColumns =
        "id AS Id, url AS Url, events AS Events, description AS Description, created_at AS CreatedAt, created_by AS CreatedBy";

    public async Task CreateAsync(Webhook webhook, string secret, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO webhooks (id, url, events, description, secret, created_at, created_by) " +
            "VALUES (@Id, @Url, @events, @Description, @secret, @createdAt, @CreatedBy)",
            new { webhook.Id, webhook.Url, events = StoreJson.WriteList(webhook.Events), webhook.Description, secret, createdAt = UnixMs.From(webhook.CreatedAt), webhook.CreatedBy },
            transaction, cancellationToken: cancellationToken));
        await AuditRow.AppendAsync(connection, transaction, webhook.CreatedAt, actor, AuditActions.WebhookCreated, null, null,
            StoreJson.WriteDetails(new() { ["webhookId"] = webhook.Id, ["url"] = webhook.Url, ["events"] = webhook.Events.ToArray() }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Webhook>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<WebhookRow>(new CommandDefinition(
            "SELECT " + WebhookColumns + " FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToWebhook())];
    }

    public async Task<Webhook?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<WebhookRow>(new CommandDefinition(
            "SELECT " + WebhookColumns + " FROM webhooks WHERE id = @id AND deleted_at IS NULL", new { id }, cancellationToken: cancellationToken));
        return row?.ToWebhook();
    }

    public async Task<bool> DeleteAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var at = time.GetUtcNow();
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET deleted_at = @at WHERE id = @id AND deleted_at IS NULL", new { id, at = UnixMs.From(at) }, transaction, cancellationToken: cancellationToken));
        // The secret goes with the endpoint: nothing will be signed with it again.
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET secret = '' WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET state = 'cancelled', lease_token = NULL, lease_until = NULL WHERE webhook_id = @id AND state = 'pending'",
            new { id }, transaction, cancellationToken: cancellationToken));
        if (deleted == 1)
        {
            await AuditRow.AppendAsync(connection, transaction, at, actor, AuditActions.WebhookDeleted, null, null,
                StoreJson.WriteDetails(new() { ["webhookId"] = id }), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    public async Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string webhookId, int limit, long? beforeId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AttemptRow>(new CommandDefinition(
            "SELECT id AS Id, event_id AS EventId, type AS Type, attempt AS Attempt, status AS Status, error AS Error, at AS At, " +
            "next_attempt_at AS NextAttemptAt FROM webhook_attempts WHERE webhook_id = @webhookId" +
            (beforeId is null ? "" : " AND id < @beforeId") + " ORDER BY id DESC LIMIT @limit",
            new { webhookId, beforeId, limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new WebhookAttempt(r.Id, r.EventId, r.Type, r.Attempt, r.Status, r.Error, UnixMs.ToTime(r.At), UnixMs.ToTime(r.NextAttemptAt)))];
    }

    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid().ToString("N");
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        // Due, not leased, and the oldest pending delivery of its endpoint and key: a later event of a key waits until
        // the earlier one is delivered or given up, even while the earlier one is leased by another process.
        var seqs = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT d.seq FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_attempt_at <= @now " +
            "AND (d.lease_until IS NULL OR d.lease_until <= @now) " +
            "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id AND e.order_key = d.order_key " +
            "AND e.state = 'pending' AND e.seq < d.seq) ORDER BY d.seq LIMIT @max" + dialect.SkipLocked,
            new { now = UnixMs.From(now), max }, transaction, cancellationToken: cancellationToken))).ToArray();
        if (seqs.Length == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return [];
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET lease_token = @token, lease_until = @leaseUntil, attempts = attempts + 1 WHERE seq" + dialect.InArray("seqs"),
            new { token, leaseUntil = UnixMs.From(leaseUntil), seqs }, transaction, cancellationToken: cancellationToken));
        var claimed = await connection.QueryAsync<ClaimRow>(new CommandDefinition(
            "SELECT d.seq AS Seq, d.webhook_id AS WebhookId, w.url AS Url, w.secret AS Secret, d.event_id AS EventId, e.type AS Type, " +
            "e.payload AS Payload, e.created_at AS EventAt, d.attempts AS Attempt FROM webhook_deliveries d " +
            "JOIN webhooks w ON w.id = d.webhook_id JOIN webhook_events e ON e.id = d.event_id " +
            "WHERE d.lease_token = @token ORDER BY d.seq",
            new { token }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return [.. claimed.Select(r => new ClaimedDelivery(r.Seq, r.WebhookId, r.Url, r.Secret, r.EventId, r.Type, r.Payload, UnixMs.ToTime(r.EventAt), r.Attempt, token))];
    }

    public async Task<bool> CompleteAsync(ClaimedDelivery delivery, AttemptOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(outcome);
        var state = outcome.Delivered ? "delivered" : outcome.NextAttemptAt is null ? "failed" : "pending";
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_deliveries SET state = @state, next_attempt_at = @next, lease_token = NULL, lease_until = NULL " +
            "WHERE seq = @Seq AND lease_token = @LeaseToken",
            new { state, next = UnixMs.From(outcome.NextAttemptAt ?? outcome.At), delivery.Seq, delivery.LeaseToken }, transaction, cancellationToken: cancellationToken));
        if (updated == 1)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO webhook_attempts (webhook_id, event_id, type, attempt, status, error, at, next_attempt_at) " +
                "VALUES (@WebhookId, @EventId, @Type, @Attempt, @status, @error, @at, @next)",
                new { delivery.WebhookId, delivery.EventId, delivery.Type, delivery.Attempt, status = outcome.Status, error = outcome.Error,
                    at = UnixMs.From(outcome.At), next = UnixMs.From(outcome.NextAttemptAt) }, transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return updated == 1;
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var next = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END) " +
            "FROM webhook_deliveries WHERE state = 'pending'", cancellationToken: cancellationToken));
        return UnixMs.ToTime(next);
    }

    public async Task<IReadOnlyList<ApiKey>> FindUnwarnedExpiringKeysAsync(DateTimeOffset now, DateTimeOffset horizon, int max, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        // A key rotated with a grace period expires because it was replaced: its successor is the one to watch.
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(
            "SELECT " + KeyRow.Columns + " FROM api_keys k WHERE expires_at > @now AND expires_at <= @horizon AND revoked_at IS NULL " +
            "AND rotated_to IS NULL AND NOT EXISTS (SELECT 1 FROM key_expiry_warnings w WHERE w.key_id = k.id) ORDER BY expires_at LIMIT @max",
            new { now = UnixMs.From(now), horizon = UnixMs.From(horizon), max }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToApiKey())];
    }

    public async Task<bool> RecordExpiryWarningAsync(string keyId, WebhookEvent warning, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(warning);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var recorded = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO key_expiry_warnings (key_id, at) VALUES (@keyId, @at) ON CONFLICT (key_id) DO NOTHING",
            new { keyId, at = UnixMs.From(warning.CreatedAt) }, transaction, cancellationToken: cancellationToken));
        if (recorded == 1)
        {
            await WebhookOutbox.AppendAsync(connection, transaction, warning, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return recorded == 1;
    }

    public async Task<IReadOnlyList<QuotaExhaustion>> FindUnemittedQuotaExhaustionsAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string LineageId, string Period, string KeyId, long At)>(new CommandDefinition(
            "SELECT lineage_id, period, key_id, at FROM quota_exhaustions WHERE emitted_at IS NULL ORDER BY at LIMIT @max",
            new { max }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new QuotaExhaustion(r.LineageId, r.Period, r.KeyId, UnixMs.ToTime(r.At)))];
    }

    public async Task<bool> EmitQuotaExhaustionAsync(QuotaExhaustion exhaustion, WebhookEvent exhausted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exhaustion);
        ArgumentNullException.ThrowIfNull(exhausted);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var marked = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE quota_exhaustions SET emitted_at = @at WHERE lineage_id = @LineageId AND period = @Period AND emitted_at IS NULL",
            new { at = UnixMs.From(exhausted.CreatedAt), exhaustion.LineageId, exhaustion.Period }, transaction, cancellationToken: cancellationToken));
        if (marked == 1)
        {
            await WebhookOutbox.AppendAsync(connection, transaction, exhausted, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return marked == 1;
    }

    public async Task<ApiKey?> GetKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            "SELECT " + KeyRow.Columns + " FROM api_keys WHERE id = @keyId", new { keyId }, cancellationToken: cancellationToken));
        return row?.ToApiKey();
    }

    private sealed class WebhookRow
    {
        public string Id { get; set; } = "";
        public string Url { get; set; } = "";
        public string Events { get; set; } = "[]";
        public string? Description { get; set; }
        public long CreatedAt { get; set; }
        public string CreatedBy { get; set; } = "";

        public Webhook ToWebhook() => new(Id, Url, StoreJson.ReadList(Events), Description, UnixMs.ToTime(CreatedAt), CreatedBy);
    }

    private sealed class AttemptRow
    {
        public long Id { get; set; }
        public string EventId { get; set; } = "";
        public string Type { get; set; } = "";
        public int Attempt { get; set; }
        public int? Status { get; set; }
        public string? Error { get; set; }
        public long At { get; set; }
        public long? NextAttemptAt { get; set; }
    }

    private sealed class ClaimRow
    {
        public long Seq { get; set; }
        public string WebhookId { get; set; } = "";
        public string Url { get; set; } = "";
        public string Secret { get; set; } = "";
        public string EventId { get; set; } = "";
        public string Type { get; set; } = "";
        public string Payload { get; set; } = "";
        public long EventAt { get; set; }
        public int Attempt { get; set; }
    }
}
