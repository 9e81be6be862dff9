namespace ApiGateway.Keys.Mutations;

/// <summary>
/// Told once after each mutation commits (never for a refusal or a change that changed nothing): the place for signals
/// that may be lost without harm, such as waking gateways before their next change-feed poll. A failure is logged and
/// does not undo or fail the committed mutation.
/// </summary>
public interface IKeyMutationListener
{
    Task OnCommittedAsync(KeyMutation mutation, CancellationToken cancellationToken);
}
