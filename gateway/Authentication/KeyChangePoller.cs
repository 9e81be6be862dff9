using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// Follows the store's change feed (every admin mutation appends a row) every <c>Auth:PollIntervalMilliseconds</c>
/// (250 ms) and evicts the changed keys from <see cref="KeyCache"/> (and changed workspace limits from
/// <see cref="WorkspaceLimitsCache"/>), so revocations, patches, rotations and expiry
/// changes made by another process apply within about 250 ms plus one store round trip, well inside the 1 s bound,
/// with no store query on the request path.
/// </summary>
/// <remarks>
/// Each poll re-reads the last applied row as an anchor. If it is gone or is another change (the database was restored
/// from a backup, so the feed went backwards, possibly and then forwards again), what we evicted no longer describes
/// the store: the cache is cleared and the feed followed from its new end.
/// </remarks>
internal sealed partial class KeyChangePoller(
    IKeyChangeFeed feed, KeyCache cache, WorkspaceLimitsCache workspaces, StoreHealth health, TimeProvider time, IOptions<AuthOptions> options,
    KeyChangeSignal signal, ILogger<KeyChangePoller> logger)
    : BackgroundService
{
    private const int BatchSize = 500;
    private readonly TimeSpan _interval = options.Value.PollInterval;
    private bool _failing;
    // The key id of the change at health.ProcessedSequence, once a read has shown it.
    private string? _anchorKeyId;

    /// <summary>One poll: read everything after the last applied sequence and evict it. Exposed for tests.</summary>
    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var position = health.ProcessedSequence;
            if (position < 0)
            {
                // First contact: nothing is cached yet, so history is irrelevant; start from the end.
                position = await FollowFromEndAsync(cancellationToken);
            }
            else if (await DrainAsync(position, cancellationToken) is { } reached)
            {
                position = reached;
            }
            else
            {
                Log.FeedWentBackwards(logger, position);
                position = await FollowFromEndAsync(cancellationToken);
            }
            health.ReportPolled(time.GetUtcNow(), position);
            if (_failing)
            {
                _failing = false;
                Log.FeedRecovered(logger);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                Log.FeedFailed(logger, ex);
            }
        }
    }

    /// <summary>Evicts every change after <paramref name="position"/>; null when the anchor row at it is not what we applied.</summary>
    private async Task<long?> DrainAsync(long position, CancellationToken cancellationToken)
    {
        var anchored = position == 0;
        var after = anchored ? 0 : position - 1;
        while (true)
        {
            var changes = await feed.ReadAsync(after, BatchSize, cancellationToken);
            var first = 0;
            if (!anchored)
            {
                if (changes.Count == 0 || changes[0].Sequence != position || (_anchorKeyId is not null && changes[0].KeyId != _anchorKeyId))
                {
                    return null;
                }
                _anchorKeyId = changes[0].KeyId;
                anchored = true;
                first = 1;
            }
            for (var i = first; i < changes.Count; i++)
            {
                // A workspace's limits changed (docs/admin-api.md "Workspace limits"), or a key did.
                if (WorkspaceFeedIds.TryParse(changes[i].KeyId, out var workspaceId))
                {
                    workspaces.Evict(workspaceId);
                }
                else
                {
                    cache.Evict(changes[i].KeyId);
                }
                position = changes[i].Sequence;
                _anchorKeyId = changes[i].KeyId;
            }
            if (changes.Count < BatchSize)
            {
                return position;
            }
            after = position;
        }
    }

    /// <summary>
    /// The end of the feed, then a cleared cache: a lookup that read the store before that end either finishes before the
    /// clear (and is removed) or after it (and is voided by the epoch), so nothing older than the position survives.
    /// </summary>
    private async Task<long> FollowFromEndAsync(CancellationToken cancellationToken)
    {
        var end = await feed.GetLatestSequenceAsync(cancellationToken);
        cache.Clear();
        workspaces.Clear();
        _anchorKeyId = null;
        return end;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the poll: a wake (Redis 'keys:changed') arriving during the poll triggers the next one at once.
            var wake = signal.Next;
            await PollOnceAsync(stoppingToken);
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(_interval, time, tick.Token);
            await Task.WhenAny(delay, wake);
            await tick.CancelAsync();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.KeyFeedFailed, LogLevel.Warning, "Cannot read the key change feed; cached keys keep working for Auth:StaleSeconds.", EventName = nameof(EventIds.KeyFeedFailed))]
        public static partial void FeedFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventIds.KeyFeedRecovered, LogLevel.Information, "Key change feed readable again.", EventName = nameof(EventIds.KeyFeedRecovered))]
        public static partial void FeedRecovered(ILogger logger);

        [LoggerMessage(EventIds.KeyFeedWentBackwards, LogLevel.Warning, "The key change feed no longer holds change {Sequence} as applied (database restored?); cache cleared, following the feed from its end.", EventName = nameof(EventIds.KeyFeedWentBackwards))]
        public static partial void FeedWentBackwards(ILogger logger, long sequence);
    }
}
