using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Keys.Mutations;

/// <summary>
/// How every mutation service (<see cref="KeyMutationService"/>, <see cref="WorkspaceLimitsService"/>) writes: one store
/// write transaction that runs the work, then every <see cref="IKeyMutationHook"/> on its mutation, then commits; after
/// commit, and only when the work changed something, every <see cref="IKeyMutationListener"/> is told.
/// </summary>
internal sealed partial class MutationTransaction(
    IKeyWriteStore store,
    IEnumerable<IKeyMutationHook> hooks,
    IEnumerable<IKeyMutationListener> listeners,
    ILogger logger)
{
    private readonly IKeyMutationHook[] _hooks = [.. hooks];
    private readonly IKeyMutationListener[] _listeners = [.. listeners];

    /// <param name="work">The writes and the rules they depend on; returns no mutation when it changed nothing.</param>
    public async Task<T> WriteAsync<T>(Func<IKeyStoreWriter, Task<(T Result, KeyMutation? Mutation)>> work, CancellationToken cancellationToken)
    {
        var (result, mutation) = await store.WriteAsync(async writer =>
        {
            var outcome = await work(writer);
            if (outcome.Mutation is { } changed)
            {
                foreach (var hook in _hooks)
                {
                    await hook.OnMutatedAsync(changed, writer, cancellationToken);
                }
            }
            return outcome;
        }, cancellationToken);
        if (mutation is not null)
        {
            await SignalAsync(mutation);
        }
        return result;
    }

    /// <summary>The change is committed: a caller that stopped waiting does not stop the signal, and a failing listener fails nothing.</summary>
    private async Task SignalAsync(KeyMutation mutation)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                await listener.OnCommittedAsync(mutation, CancellationToken.None);
            }
#pragma warning disable CA1031 // a listener's failure must not turn a committed mutation into an error response
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.ListenerFailed(logger, exception, listener.GetType().Name, mutation.Action);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Change listener {Listener} failed after a committed {Action}; the change stands.", EventName = "MutationListenerFailed")]
        public static partial void ListenerFailed(ILogger logger, Exception exception, string listener, string action);
    }
}
