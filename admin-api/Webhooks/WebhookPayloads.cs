using System.Data.Common;
using System.Text.Json;
using ApiGateway.AdminApi.Endpoints;
using ApiGateway.AdminApi.Json;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// Builds an outbox event: a fresh <c>evt_…</c> id (the <c>webhook-id</c> of every attempt) and the exact body, in the
/// admin API's own JSON (camelCase, UTC times), with the key record as <c>GET /v1/keys/{id}</c> shows it at that moment.
/// </summary>
internal sealed class WebhookPayloads(IStoreDialect dialect, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = AdminJsonContext.Default,
        Converters = { new UtcTimestampConverter() },
    };

    /// <summary>The event for <paramref name="key"/>, its usage read on a new connection.</summary>
    public async Task<WebhookEvent> EventAsync(string type, ApiKey key, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await EventAsync(type, key, connection, transaction: null, cancellationToken);
    }

    /// <summary>
    /// The event for <paramref name="key"/>, its usage read on <paramref name="connection"/> inside <paramref name="transaction"/>:
    /// a mutation's hook builds its events without a second connection while the write lock is held.
    /// </summary>
    public async Task<WebhookEvent> EventAsync(string type, ApiKey key, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow();
        var usages = await UsageStore.ReadUsageAsync(dialect, connection, transaction, [key.Id], now, cancellationToken);
        var record = KeyRecords.From(key, usages.GetValueOrDefault(key.Id, KeyUsage.None), now);
        var body = JsonSerializer.Serialize(new WebhookBody(type, now, record), Json);
        return new WebhookEvent(Ids.New("evt"), type, key.Id, body, now);
    }
}
