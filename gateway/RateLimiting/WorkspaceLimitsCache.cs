using System.Collections.Concurrent;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Each workspace's own limits (or that it has none), read from the store once per workspace and process, kept until the
/// change feed says they changed (<see cref="KeyChangePoller"/> evicts on a <c>workspace:{id}</c> row, so a change applies
/// within the feed's bound, 1 s). A hit is one dictionary read and no allocation; reads are single-flighted per workspace.
/// As in <see cref="KeyCache"/> (<see cref="EpochSingleFlight{TKey, TResult}"/>), every eviction first moves an epoch, and a
/// read that saw the epoch move while it ran is served once and not kept, so a read racing a change never outlives it. A read that fails serves "no limits" (fail
/// open, as a quota that cannot be loaded does) for one second before the store is asked again.
/// </summary>
internal sealed partial class WorkspaceLimitsCache(IWorkspaceLimitsStore store, StoreHealth health, TimeProvider time, ILogger<WorkspaceLimitsCache> logger)
{
    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, WorkspaceLimitsEntry> _entries = new(StringComparer.Ordinal);
    private readonly EpochSingleFlight<string, WorkspaceLimitsEntry> _reads = new(StringComparer.Ordinal);

    /// <summary>Workspaces whose answer is held.</summary>
    public int Count => _entries.Count;

    public ValueTask<WorkspaceLimitsEntry> GetAsync(string workspaceId)
    {
        ArgumentNullException.ThrowIfNull(workspaceId);
        if (_entries.TryGetValue(workspaceId, out var entry) && (entry.RetryAt == 0 || time.GetUtcNow().UtcTicks < entry.RetryAt))
        {
            return new(entry);
        }
        return new(_reads.JoinOrStart(workspaceId, this, static (cache, workspaceId, epoch) => cache.ReadStoreAsync(workspaceId, epoch)));
    }

    /// <summary>The workspace's limits changed in the store: its next request reads them again.</summary>
    public void Evict(string workspaceId)
    {
        _reads.Advance();
        _entries.TryRemove(workspaceId, out _);
    }

    /// <summary>Forgets every answer (the change feed could not be followed).</summary>
    public void Clear()
    {
        _reads.Advance();
        _entries.Clear();
    }

    private async Task<WorkspaceLimitsEntry> ReadStoreAsync(string workspaceId, long epoch)
    {
        // Until the feed position is known nothing would evict what we keep, so nothing is kept (as in KeyCache).
        var cacheable = health.FeedFollowed;
        WorkspaceLimitsEntry entry;
        try
        {
            // No request's token: waiters share this read, and the store's command timeout bounds it.
            var limits = await store.GetAsync(workspaceId, CancellationToken.None).ConfigureAwait(false);
            entry = new WorkspaceLimitsEntry(workspaceId, limits, retryAt: 0);
        }
#pragma warning disable CA1031 // any failure of the read serves "no limits" for a second: it must never fail the request
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.LookupFailed(logger, exception.GetType().Name);
            entry = new WorkspaceLimitsEntry(workspaceId, limits: null, retryAt: (time.GetUtcNow() + RetryFailedAfter).UtcTicks);
        }
        if (cacheable)
        {
            _entries[workspaceId] = entry;
            if (!_reads.IsCurrent(epoch))
            {
                // A change was applied while we read: ours may be the old limits. Serve them once, keep nothing.
                _entries.TryRemove(KeyValuePair.Create(workspaceId, entry));
            }
        }
        return entry;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.WorkspaceLimitsLookupFailed, LogLevel.Warning, "Could not read a workspace's limits ({ErrorType}); serving it without them for a second.", EventName = nameof(EventIds.WorkspaceLimitsLookupFailed))]
        public static partial void LookupFailed(ILogger logger, string errorType);
    }
}

/// <summary>
/// What the gateway knows of one workspace's own limits: <see cref="Limits"/> (null: none), and <see cref="StateId"/>, the
/// id of its bucket and quota counters (<c>ws:{workspaceId}</c>, built once here, not per request).
/// </summary>
internal sealed class WorkspaceLimitsEntry(string workspaceId, WorkspaceLimits? limits, long retryAt)
{
    public const string StatePrefix = "ws:";

    public string StateId { get; } = StatePrefix + workspaceId;

    public WorkspaceLimits? Limits { get; } = limits;

    /// <summary>UTC ticks after which a failed read is retried; 0 for an answer the store gave.</summary>
    public long RetryAt { get; } = retryAt;
}
