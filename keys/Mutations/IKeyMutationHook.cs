using ApiGateway.Keys.Storage;

namespace ApiGateway.Keys.Mutations;

/// <summary>
/// Runs inside the write transaction of every mutation, after its rows are written and before commit: the place for
/// rows that must commit or roll back with the change (an outbox row for webhooks). A throw rolls the mutation back.
/// </summary>
public interface IKeyMutationHook
{
    Task OnMutatedAsync(KeyMutation mutation, IKeyStoreWriter writer, CancellationToken cancellationToken);
}
