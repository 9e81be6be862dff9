using System.Collections.Concurrent;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Usage;

/// <summary>
/// Counts requests, cost units and refusals per key and UTC hour in memory and writes them to the store in batches
/// (<see cref="FlushAsync"/>, driven by <see cref="UsageFlushService"/>), never one write per request.
/// <see cref="Record(string, long, bool)"/> is the hot path: a few atomic adds on a cell of the current buffer, no allocation
/// once the key's cell for the hour exists. A flush swaps the buffer for an empty one, waits for the
/// writers that still hold the old one, and sends its rows; rows a failed flush could not write are kept (up to
/// <see cref="UsageOptions.MaxPendingRows"/>) and merged into the next attempt.
/// </summary>
internal sealed partial class UsageRecorder(IUsageStore store, TimeProvider time, IOptions<UsageOptions> options, ILogger<UsageRecorder> logger)
{
    private readonly TimeSpan _retention = TimeSpan.FromDays(options.Value.RetentionDays);
    private readonly PendingRows<(string KeyId, long HourTicks), Pending> _pending = new(
        options.Value.MaxPendingRows,
        static slot => slot.HourTicks,
        static (kept, counted) => new Pending(
            kept.Count + counted.Count, kept.Units + counted.Units, kept.Refused + counted.Refused, Math.Max(kept.LastUsedTicks, counted.LastUsedTicks)),
        new PendingRowsLog(count => Log.Flushed(logger, count), (count, ex) => Log.FlushFailed(logger, count, ex), count => Log.PendingDropped(logger, count)));
    private Buffer _current = new();

    /// <summary>Rows (key, hour) waiting for a successful flush, after a failed one.</summary>
    public int PendingRows => _pending.Count;

    /// <summary>
    /// Counts one request authenticated with <paramref name="keyId"/>, now: <paramref name="units"/> is what it spent
    /// when admitted (the route's cost, 0 when refused), <paramref name="refused"/> whether it was answered 403 or 429.
    /// </summary>
    public void Record(string keyId, long units, bool refused) => Record(keyId, units, refused, time.GetUtcNow());

    public void Record(string keyId, long units, bool refused, DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        var hour = ticks - (ticks % TimeSpan.TicksPerHour);
        while (true)
        {
            var buffer = Volatile.Read(ref _current);
            Interlocked.Increment(ref buffer.Writers);
            try
            {
                // Re-check after announcing ourselves: once a flush has swapped this buffer out, it waits only for
                // writers that announced before the swap, so a late writer must move on to the new buffer.
                if (ReferenceEquals(buffer, Volatile.Read(ref _current)))
                {
                    var cell = buffer.Cells.GetOrAdd((keyId, hour), static _ => new Cell());
                    Interlocked.Increment(ref cell.Count);
                    if (units != 0)
                    {
                        Interlocked.Add(ref cell.Units, units);
                    }
                    if (refused)
                    {
                        Interlocked.Increment(ref cell.Refused);
                    }
                    var last = Volatile.Read(ref cell.LastUsedTicks);
                    while (ticks > last)
                    {
                        var seen = Interlocked.CompareExchange(ref cell.LastUsedTicks, ticks, last);
                        if (seen == last)
                        {
                            break;
                        }
                        last = seen;
                    }
                    return;
                }
            }
            finally
            {
                Interlocked.Decrement(ref buffer.Writers);
            }
        }
    }

    /// <summary>
    /// Writes everything counted so far (and what earlier failed flushes kept) in one store call. Never throws for a
    /// store failure: the rows stay pending for the next flush.
    /// </summary>
    /// <returns>The rows written, or 0 when there was nothing to write or the store refused.</returns>
    public Task<int> FlushAsync(CancellationToken cancellationToken) => _pending.FlushAsync(
        () => Counted(Swap()),
        (rows, ct) => store.RecordUsageAsync(
            rows.Select(static p => new UsageIncrement(
                p.Key.KeyId,
                new DateTimeOffset(p.Key.HourTicks, TimeSpan.Zero),
                p.Value.Count,
                new DateTimeOffset(p.Value.LastUsedTicks, TimeSpan.Zero),
                p.Value.Units,
                p.Value.Refused)).ToList(),
            ct),
        cancellationToken);

    /// <summary>Deletes hourly rows older than <see cref="UsageOptions.RetentionDays"/>; failures are logged and retried next time.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        try
        {
            var removed = await store.PruneUsageAsync(UsageHours.Start(time.GetUtcNow()) - _retention, cancellationToken);
            Log.Pruned(logger, removed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.PruneFailed(logger, ex);
        }
    }

    private Buffer Swap()
    {
        var old = Interlocked.Exchange(ref _current, new Buffer());
        var spin = new SpinWait();
        while (Volatile.Read(ref old.Writers) != 0)
        {
            spin.SpinOnce();
        }
        return old;
    }

    private static IEnumerable<KeyValuePair<(string KeyId, long HourTicks), Pending>> Counted(Buffer buffer) =>
        buffer.Cells.Select(static c => KeyValuePair.Create(c.Key, new Pending(
            Volatile.Read(ref c.Value.Count), Volatile.Read(ref c.Value.Units), Volatile.Read(ref c.Value.Refused), Volatile.Read(ref c.Value.LastUsedTicks))));

    private sealed class Buffer
    {
        public readonly ConcurrentDictionary<(string KeyId, long HourTicks), Cell> Cells = new();
        public int Writers;
    }

    private sealed class Cell
    {
        public long Count;
        public long Units;
        public long Refused;
        public long LastUsedTicks;
    }

    private readonly record struct Pending(long Count, long Units, long Refused, long LastUsedTicks);

    private static partial class Log
    {
        [LoggerMessage(EventIds.UsageFlushed, LogLevel.Debug, "Flushed {Count} usage rows.", EventName = nameof(EventIds.UsageFlushed))]
        public static partial void Flushed(ILogger logger, int count);

        [LoggerMessage(EventIds.UsageFlushFailed, LogLevel.Warning, "Could not write {Count} usage rows; they are kept for the next flush.", EventName = nameof(EventIds.UsageFlushFailed))]
        public static partial void FlushFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventIds.UsageRowsDropped, LogLevel.Warning, "Dropped {Count} usage rows, the oldest hours, after repeated flush failures.", EventName = nameof(EventIds.UsageRowsDropped))]
        public static partial void PendingDropped(ILogger logger, int count);

        [LoggerMessage(EventIds.UsagePruned, LogLevel.Debug, "Pruned {Count} usage rows past the retention.", EventName = nameof(EventIds.UsagePruned))]
        public static partial void Pruned(ILogger logger, int count);

        [LoggerMessage(EventIds.UsagePruneFailed, LogLevel.Warning, "Could not prune old usage rows; retrying at the next prune.", EventName = nameof(EventIds.UsagePruneFailed))]
        public static partial void PruneFailed(ILogger logger, Exception exception);
    }
}
