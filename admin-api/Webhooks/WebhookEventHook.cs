using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// Writes the webhook events of each key mutation into the outbox, inside the mutation's own write transaction (docs/webhooks.md
/// "Delivery"): the change and its events commit together or not at all. A rotation is <c>key.rotated</c> for the old
/// key and <c>key.created</c> for its successor; admin-credential changes send nothing.
/// </summary>
internal sealed class WebhookEventHook(WebhookPayloads payloads) : IKeyMutationHook
{
    public async Task OnMutatedAsync(KeyMutation mutation, IKeyStoreWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutation);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (keyId, type) in Events(mutation))
        {
            // Already locked by the mutation: this reads the row as it will commit.
            if (await writer.LockKeyAsync(keyId) is { } key)
            {
                var evt = await payloads.EventAsync(type, key, writer.Connection, writer.Transaction, cancellationToken);
                await WebhookOutbox.AppendAsync(writer.Connection, writer.Transaction, evt, cancellationToken);
            }
        }
    }

    /// <summary>Which key gets which event, in the order they happened.</summary>
    internal static IEnumerable<(string KeyId, string Type)> Events(KeyMutation mutation) => mutation.Action switch
    {
        AuditActions.KeyCreated or AuditActions.KeyImported => mutation.ChangedKeyIds.Select(id => (id, WebhookEventTypes.KeyCreated)),
        AuditActions.KeyUpdated or AuditActions.KeyDisabled or AuditActions.KeyEnabled => [(mutation.SubjectId, WebhookEventTypes.KeyUpdated)],
        AuditActions.KeyRevoked => [(mutation.SubjectId, WebhookEventTypes.KeyRevoked)],
        AuditActions.KeyLeaked => [(mutation.SubjectId, WebhookEventTypes.KeyLeaked)],
        AuditActions.KeyRotated =>
        [
            (mutation.SubjectId, WebhookEventTypes.KeyRotated),
            .. mutation.ChangedKeyIds.Where(id => id != mutation.SubjectId).Select(id => (id, WebhookEventTypes.KeyCreated)),
        ],
        _ => [],
    };
}

/// <summary>After a mutation commits, wakes this process's dispatcher so its events go out at once.</summary>
internal sealed class WebhookWakeListener(WebhookSignal signal) : IKeyMutationListener
{
    public Task OnCommittedAsync(KeyMutation mutation, CancellationToken cancellationToken)
    {
        signal.Wake();
        return Task.CompletedTask;
    }
}
