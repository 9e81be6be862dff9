using System.Data.Common;
using System.Text.Json;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// Writes an event into the outbox inside the caller's write transaction (the change it tells about commits or rolls
/// back with it): the event row and one pending delivery per endpoint subscribed to its type at that moment. An event
/// no endpoint wants writes nothing. Deliveries are ordered per endpoint by the event's key (docs/webhooks.md).
/// </summary>
public static class WebhookOutbox
{
    public static async Task AppendAsync(DbConnection connection, DbTransaction transaction, WebhookEvent evt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var endpoints = await connection.QueryAsync<(string Id, string Events)>(new CommandDefinition(
            "SELECT id, events FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id", transaction: transaction, cancellationToken: cancellationToken));
        var subscribed = endpoints.Where(e => Subscribes(e.Events, evt.Type)).Select(e => e.Id).ToArray();
        if (subscribed.Length == 0)
        {
            return;
        }
        var at = UnixMs.From(evt.CreatedAt);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO webhook_events (id, type, key_id, payload, created_at) VALUES (@Id, @Type, @KeyId, @Payload, @at)",
            new { evt.Id, evt.Type, evt.KeyId, evt.Payload, at }, transaction, cancellationToken: cancellationToken));
        foreach (var webhookId in subscribed)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO webhook_deliveries (webhook_id, event_id, order_key, state, attempts, next_attempt_at, created_at) " +
                "VALUES (@webhookId, @eventId, @orderKey, 'pending', 0, @at, @at)",
                new { webhookId, eventId = evt.Id, orderKey = evt.KeyId ?? evt.Id, at }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>True when the endpoint's <c>events</c> (a JSON array) names <paramref name="type"/> or <c>*</c>.</summary>
    public static bool Subscribes(string eventsJson, string type)
    {
        var events = JsonSerializer.Deserialize(eventsJson, StoreJsonContext.Default.StringArray) ?? [];
        return events.Contains(WebhookEventTypes.All, StringComparer.Ordinal) || events.Contains(type, StringComparer.Ordinal);
    }
}
