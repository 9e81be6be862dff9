using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// Follows the store's change feed (every admin mutation appends a row) every <c>Auth:PollIntervalMilliseconds</c>
/// (250 ms) and evicts the changed keys from <see cref="KeyCache"/>, so revocations, patches, rotations and expiry
/// changes made by another process apply within about 250 ms plus one store round trip, well inside the 1 s bound,
/// with no store query on the request path.
/// </summary>
internal sealed partial class KeyChangePoller(
    IKeyChangeFeed feed, KeyCache cache, StoreHealth health, TimeProvider time, IOptions<AuthOptions> options, KeyChangeSignal signal,
    ILogger<KeyChangePoller> logger)
    : BackgroundService
{
    private const int BatchSize = 500;
    private readonly TimeSpan _interval = options.Value.PollInterval;
    private bool _failing;

    /// <summary>One poll: read everything after the last applied sequence and evict it. Exposed for tests.</summary>
    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var position = health.ProcessedSequence;
            if (position < 0)
            {
                // First contact: nothing is cached yet, so history is irrelevant; start from the end.
                position = await feed.GetLatestSequenceAsync(cancellationToken);
            }
            else
            {
                while (true)
                {
                    var changes = await feed.ReadAsync(position, BatchSize, cancellationToken);
                    foreach (var change in changes)
                    {
                        cache.Evict(change.KeyId);
                        position = change.Sequence;
                    }
                    if (changes.Count < BatchSize)
                    {
                        break;
                    }
                }
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
        [LoggerMessage(1, LogLevel.Warning, "Cannot read the key change feed; cached keys keep working for Auth:StaleSeconds.", EventName = "KeyFeedFailed")]
        public static partial void FeedFailed(ILogger logger, Exception exception);

        [LoggerMessage(2, LogLevel.Information, "Key change feed readable again.", EventName = "KeyFeedRecovered")]
        public static partial void FeedRecovered(ILogger logger);
    }
}
