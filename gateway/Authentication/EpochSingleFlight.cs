using System.Collections.Concurrent;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// Store reads single-flighted per key and voided by an eviction epoch: the protocol <see cref="KeyCache"/> and
/// <see cref="RateLimiting.WorkspaceLimitsCache"/> share so that a read racing a change never outlives it
/// (docs/gateway.md "Freshness and outages").
/// </summary>
/// <remarks>
/// The cache calls <see cref="Advance"/> before it removes anything it evicts. A read is started with the epoch it saw
/// before asking the store; once it has published its answer, the cache asks <see cref="IsCurrent"/> and withdraws the
/// answer if the epoch moved. A caller joins a read in flight only if no eviction happened since that read began;
/// otherwise it starts its own, which replaces the old one for later callers (the old one still answers its own waiters).
/// </remarks>
internal sealed class EpochSingleFlight<TKey, TResult>(IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Flight> _inflight = new(comparer);
    private long _epoch;

    /// <summary>Reads in flight (tests).</summary>
    public int InFlight => _inflight.Count;

    /// <summary>Moves the epoch: call before removing an evicted answer, so every read in flight is void.</summary>
    public long Advance() => Interlocked.Increment(ref _epoch);

    /// <summary>Whether no eviction happened since a read that began at <paramref name="epoch"/>.</summary>
    public bool IsCurrent(long epoch) => Interlocked.Read(ref _epoch) == epoch;

    /// <summary>The read in flight for this key, if it began after the last eviction (the one a new read would join).</summary>
    public Task<TResult>? TryJoinCurrent(TKey key) =>
        _inflight.TryGetValue(key, out var current) && IsCurrent(current.Epoch) ? current.Result.Task : null;

    /// <summary>
    /// The current read for this key, or a new one: <paramref name="read"/> gets <paramref name="state"/>, the key and the
    /// epoch the read began at (pass a static lambda: nothing is allocated when a read is joined).
    /// </summary>
    public Task<TResult> JoinOrStart<TState>(TKey key, TState state, Func<TState, TKey, long, Task<TResult>> read)
    {
        while (true)
        {
            // Before the store: any eviction from here on may concern the row the read is about to see.
            var epoch = Interlocked.Read(ref _epoch);
            _inflight.TryGetValue(key, out var current);
            if (current is not null && current.Epoch == epoch)
            {
                return current.Result.Task;
            }
            // None in flight, or one that began before an eviction (its row may predate the change): start our own.
            var flight = new Flight(epoch);
            if (current is null ? _inflight.TryAdd(key, flight) : _inflight.TryUpdate(key, flight, current))
            {
                _ = RunAsync(key, flight, state, read);
                return flight.Result.Task;
            }
        }
    }

    private async Task RunAsync<TState>(TKey key, Flight flight, TState state, Func<TState, TKey, long, Task<TResult>> read)
    {
        try
        {
            var result = await read(state, key, flight.Epoch).ConfigureAwait(false);
            _inflight.TryRemove(KeyValuePair.Create(key, flight));
            flight.Result.SetResult(result);
        }
        catch (Exception ex)
        {
            _inflight.TryRemove(KeyValuePair.Create(key, flight));
            // The read's failure belongs to its waiters, never to this fire-and-forget task.
            flight.Result.SetException(ex);
        }
    }

    /// <summary>A read in flight for one key, shared by the callers that arrive before it ends (same epoch).</summary>
    private sealed class Flight(long epoch)
    {
        public long Epoch { get; } = epoch;

        public TaskCompletionSource<TResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
