using System.Collections.Concurrent;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Usage;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// Which keys the candidate routes decide differently, per live route, outcome and UTC hour, counted in memory and
/// written to the store in batches (<see cref="FlushAsync"/>, driven by <see cref="ShadowReportFlushService"/> on
/// <c>Usage:FlushSeconds</c>), never one write per request; the admin API lists them (<c>GET /v1/shadow-decisions</c>).
/// A flush takes each cell's count atomically, so a request counted during a flush goes into the next one; rows a
/// failed flush could not write are kept (up to <c>Usage:MaxPendingRows</c>) and merged into the next attempt.
/// </summary>
internal sealed partial class ShadowReport(IShadowDecisionStore store, TimeProvider time, IOptions<UsageOptions> options, ILogger<ShadowReport> logger)
{
    /// <summary>Rows last seen longer ago than this are pruned, as usage rows are.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private readonly ConcurrentDictionary<Slot, Cell> _cells = new();
    private readonly PendingRows<Slot, Pending> _pending = new(
        options.Value.MaxPendingRows,
        static slot => slot.HourTicks,
        static (kept, counted) => new Pending(kept.Count + counted.Count, Math.Max(kept.LastSeenTicks, counted.LastSeenTicks)),
        new PendingRowsLog(count => Log.Flushed(logger, count), (count, ex) => Log.FlushFailed(logger, count, ex), count => Log.PendingDropped(logger, count)));

    /// <summary>Counts one differing decision for <paramref name="keyId"/> on the live route <paramref name="route"/>, now.</summary>
    public void Record(string route, string keyId, ShadowOutcome outcome)
    {
        var ticks = time.GetUtcNow().UtcTicks;
        var cell = _cells.GetOrAdd(new Slot(route, keyId, outcome, ticks - (ticks % TimeSpan.TicksPerHour)), static _ => new Cell());
        Interlocked.Increment(ref cell.Count);
        InterlockedMax.Advance(ref cell.LastSeenTicks, ticks);
    }

    /// <summary>Writes what was counted since the last flush (and what failed flushes kept) in one store call; never throws for a store failure.</summary>
    /// <returns>The rows written, or 0 when there was nothing to write or the store refused.</returns>
    public Task<int> FlushAsync(CancellationToken cancellationToken) => _pending.FlushAsync(
        TakeCounts,
        (rows, ct) => store.RecordAsync(
            rows.Select(static p => new ShadowDecisionIncrement(
                p.Key.Route, p.Key.KeyId, ShadowOutcomes.Name(p.Key.Outcome),
                new DateTimeOffset(p.Key.HourTicks, TimeSpan.Zero), p.Value.Count, new DateTimeOffset(p.Value.LastSeenTicks, TimeSpan.Zero))).ToList(),
            ct),
        cancellationToken);

    /// <summary>Deletes rows past <see cref="Retention"/>; failures are logged and retried next time.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.PruneAsync(time.GetUtcNow() - Retention, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.PruneFailed(logger, ex);
        }
    }

    /// <summary>Takes each cell's count since the last flush (a cell of an hour before the previous one is forgotten once idle).</summary>
    private IEnumerable<KeyValuePair<Slot, Pending>> TakeCounts()
    {
        var now = time.GetUtcNow().UtcTicks;
        var currentHour = now - (now % TimeSpan.TicksPerHour);
        foreach (var (slot, cell) in _cells)
        {
            var count = Interlocked.Exchange(ref cell.Count, 0);
            if (count == 0)
            {
                // A cell of an hour before the previous one gets no more requests: forget it.
                if (slot.HourTicks < currentHour - TimeSpan.TicksPerHour)
                {
                    _cells.TryRemove(slot, out _);
                }
                continue;
            }
            yield return new(slot, new Pending(count, Interlocked.Read(ref cell.LastSeenTicks)));
        }
    }

    private readonly record struct Slot(string Route, string KeyId, ShadowOutcome Outcome, long HourTicks);

    private sealed class Cell
    {
        public long Count;
        public long LastSeenTicks;
    }

    private readonly record struct Pending(long Count, long LastSeenTicks);

    private static partial class Log
    {
        [LoggerMessage(EventIds.ShadowReportFlushed, LogLevel.Debug, "Flushed {Count} shadow decision rows.", EventName = nameof(EventIds.ShadowReportFlushed))]
        public static partial void Flushed(ILogger logger, int count);

        [LoggerMessage(EventIds.ShadowReportFlushFailed, LogLevel.Warning, "Could not write {Count} shadow decision rows; they are kept for the next flush.", EventName = nameof(EventIds.ShadowReportFlushFailed))]
        public static partial void FlushFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventIds.ShadowReportRowsDropped, LogLevel.Warning, "Dropped {Count} shadow decision rows, the oldest hours, after repeated flush failures.", EventName = nameof(EventIds.ShadowReportRowsDropped))]
        public static partial void PendingDropped(ILogger logger, int count);

        [LoggerMessage(EventIds.ShadowReportPruneFailed, LogLevel.Warning, "Could not prune old shadow decision rows; retrying at the next prune.", EventName = nameof(EventIds.ShadowReportPruneFailed))]
        public static partial void PruneFailed(ILogger logger, Exception exception);
    }
}
