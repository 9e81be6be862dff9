using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The calendar quota counts of every lineage, between this process and the store: <see cref="Load"/> adds what the store
/// already holds when a cell is first used, <see cref="Spend"/> counts an admitted request, <see cref="FlushAsync"/>
/// writes the deltas in one batch. With Redis (<see cref="RedisKeyRateLimiter"/>) it also carries the counts between
/// Redis and the local fallback (<see cref="BeginSharedAsync"/>, <see cref="SharedCounts"/>, <see cref="EndShared"/>).
/// Each cell's counters are changed under the cell's lock; the ledger's own state is the queue of dirty cells and the
/// carried deltas.
/// </summary>
internal sealed partial class QuotaLedger(IUsageStore store, TimeProvider time, LineageCells cells, CalendarCache calendars, ILogger logger)
    : IDisposable
{
    private readonly ConcurrentQueue<LineageCell> _dirty = new();

    /// <summary>
    /// Deltas of periods their cell has left (a day or month ended before they were written), merged by lineage and
    /// period, so a long store outage holds one entry per pair however many flushes fail; written by the next flush.
    /// A failed flush puts the deltas of current periods back into their cells instead (see <see cref="FlushAsync"/>).
    /// Only ever locked alone, or inside a cell's lock, never around one.
    /// </summary>
    private readonly Dictionary<(string LineageId, string Period), long> _carried = [];
    private readonly Lock _carriedGate = new();
    private readonly CancellationTokenSource _disposed = new();
    private int _disposeCount;

    /// <summary>Whether deltas of a failed flush wait in the carried map (no cell may be evicted meanwhile).</summary>
    public bool HasCarried
    {
        get
        {
            lock (_carriedGate)
            {
                return _carried.Count > 0;
            }
        }
    }

    /// <summary>Pairs (lineage, period) waiting for the store after failed flushes: at most one per pair.</summary>
    public int PendingDeltas
    {
        get
        {
            var pending = 0;
            lock (_carriedGate)
            {
                pending += _carried.Count;
            }
            foreach (var cell in cells.All)
            {
                using (cell.Enter())
                {
                    pending += (cell.Day.Unflushed > 0 ? 1 : 0) + (cell.Month.Unflushed > 0 ? 1 : 0);
                }
            }
            return pending;
        }
    }

    /// <summary>
    /// Completes when the counts the store held for the cell's current day and month have been added to it; the load starts
    /// (once per cell, off the request thread) on the first call.
    /// </summary>
    public Task Load(LineageCell cell) => cell.Loaded ?? StartLoad(cell);

    /// <summary>
    /// Under the cell's gate: counts one admitted request of <paramref name="units"/> (<paramref name="byFallback"/>: the
    /// local limiter stood in for Redis).
    /// </summary>
    public void Spend(LineageCell cell, UtcCalendar calendar, bool byFallback, long units)
    {
        MoveToPeriods(cell, calendar);
        cell.Day.Admit(byFallback, units);
        cell.Month.Admit(byFallback, units);
        MarkDirty(cell);
    }

    /// <summary>
    /// Before a Redis decision: the lineage's cell, once the store's counts are in it when the policy has a quota, so that
    /// a counter Redis lost (a restart without persistence) is seeded from them.
    /// </summary>
    public ValueTask<LineageCell> BeginSharedAsync(string lineageId, RateLimitPolicy policy, CancellationToken cancellationToken)
    {
        var cell = cells.GetOrAdd(lineageId);
        var loaded = Load(cell);
        return loaded.IsCompleted || !policy.HasQuota ? ValueTask.FromResult(cell) : WhenLoadedAsync(cell, loaded, cancellationToken);

        static async ValueTask<LineageCell> WhenLoadedAsync(LineageCell cell, Task loaded, CancellationToken cancellationToken)
        {
            await loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
            return cell;
        }
    }

    /// <summary>What to send with the Redis call: the counts to seed missing counters with, and the fallback's unmerged spends.</summary>
    public static SharedQuotaSync SharedCounts(LineageCell cell, UtcCalendar calendar)
    {
        using (cell.Enter())
        {
            return Counts(cell, calendar);
        }
    }

    /// <summary>
    /// <see cref="SharedCounts(LineageCell, UtcCalendar)"/> of a key's cell and its workspace's, read under one lock: the
    /// key's cell is moved under the workspace cell's lock first, as the local limiter does (see <see cref="LineageCell"/>).
    /// </summary>
    public static (SharedQuotaSync Key, SharedQuotaSync Workspace) SharedCounts(LineageCell cell, LineageCell workspace, UtcCalendar calendar)
    {
        while (true)
        {
            if (!cell.IsUnder(workspace))
            {
                cell.MoveUnder(workspace);
            }
            using (workspace.Enter())
            {
                // An evicted cell never moves again: reading it under another lock is what the one-cell overload does too.
                if (cell.IsUnder(workspace) || cell.Evicted)
                {
                    return (Counts(cell, calendar), Counts(workspace, calendar));
                }
            }
        }
    }

    private static SharedQuotaSync Counts(LineageCell cell, UtcCalendar calendar) =>
        new(cell.Day.SpentIn(calendar.DayId), cell.Month.SpentIn(calendar.MonthId), cell.Day.UnmergedIn(calendar.DayId), cell.Month.UnmergedIn(calendar.MonthId));

    /// <summary>
    /// <see cref="EndShared(LineageCell, string, UtcCalendar, in SharedQuotaSync, bool, long, long, long)"/> for a key's
    /// cell and its workspace's, under one lock while the key's cell is under the workspace's (else one after the other).
    /// </summary>
    public void EndShared(in SharedOutcome key, in SharedOutcome workspace, UtcCalendar calendar, bool admitted, long units)
    {
        using (workspace.Cell.Enter())
        {
            if (key.Cell.IsUnder(workspace.Cell) && !key.Cell.Evicted && !workspace.Cell.Evicted)
            {
                Observe(key.Cell, calendar, key.Sent, admitted, units, key.DayCount, key.MonthCount);
                Observe(workspace.Cell, calendar, workspace.Sent, admitted, units, workspace.DayCount, workspace.MonthCount);
                return;
            }
        }
        EndShared(key.Cell, key.LineageId, calendar, key.Sent, admitted, units, key.DayCount, key.MonthCount);
        EndShared(workspace.Cell, workspace.LineageId, calendar, workspace.Sent, admitted, units, workspace.DayCount, workspace.MonthCount);
    }

    /// <summary>
    /// After a Redis decision: remembers the counts Redis reported (what the fallback starts from if Redis goes away),
    /// takes off the unmerged spends the call added, and queues an admitted request for the store, so the store holds
    /// every request Redis admitted too (what a gateway started during an outage, or a Redis that lost its counters, starts from).
    /// </summary>
    public void EndShared(
        LineageCell cell, string lineageId, UtcCalendar calendar, in SharedQuotaSync sent, bool admitted, long units, long dayCount, long monthCount)
    {
        while (true)
        {
            using (cell.Enter())
            {
                if (!cell.Evicted)
                {
                    Observe(cell, calendar, sent, admitted, units, dayCount, monthCount);
                    return;
                }
            }
            // Swept between the call and now: an evicted cell had nothing unmerged, so only the admission is left to record.
            if (!admitted)
            {
                return;
            }
            cell = cells.GetOrAdd(lineageId);
            _ = Load(cell);
        }
    }

    /// <summary>Under the cell's gate: what Redis answered for it, and its admission.</summary>
    private void Observe(LineageCell cell, UtcCalendar calendar, in SharedQuotaSync sent, bool admitted, long units, long dayCount, long monthCount)
    {
        MoveToPeriods(cell, calendar);
        if (cell.Day.Period == calendar.DayId)
        {
            cell.Day.Observe(dayCount, sent.DayUnmerged);
        }
        if (cell.Month.Period == calendar.MonthId)
        {
            cell.Month.Observe(monthCount, sent.MonthUnmerged);
        }
        if (admitted)
        {
            cell.Day.Admit(byFallback: false, units);
            cell.Month.Admit(byFallback: false, units);
            MarkDirty(cell);
        }
    }

    /// <summary>
    /// Writes every unflushed quota delta in one batch. Cells whose load has not finished wait for the next flush (their
    /// load must read the store before their own deltas reach it). On failure each delta goes back where it came from:
    /// into its cell while the cell is still in that period (merged with what it counts meanwhile), else into the
    /// carried map; so what waits for the store stays one entry per lineage and period during an outage of any length.
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<QuotaIncrement>();
        lock (_carriedGate)
        {
            foreach (var ((lineageId, period), count) in _carried)
            {
                batch.Add(new QuotaIncrement(lineageId, period, count));
            }
            _carried.Clear();
        }
        var carriedCount = batch.Count;
        var taken = new List<(LineageCell Cell, int Day, long DayCount, int Month, long MonthCount)>();
        var waiting = new List<LineageCell>();
        for (var queued = _dirty.Count; queued > 0 && _dirty.TryDequeue(out var cell); queued--)
        {
            if (cell.Loaded is not { IsCompleted: true })
            {
                waiting.Add(cell);
                continue;
            }
            using (cell.Enter())
            {
                var day = cell.Day.Unflushed;
                var month = cell.Month.Unflushed;
                if (day > 0)
                {
                    batch.Add(new QuotaIncrement(cell.LineageId, calendars.DayPeriodName(cell.Day.Period), day));
                    cell.Day.Unflushed = 0;
                }
                if (month > 0)
                {
                    batch.Add(new QuotaIncrement(cell.LineageId, calendars.MonthPeriodName(cell.Month.Period), month));
                    cell.Month.Unflushed = 0;
                }
                taken.Add((cell, cell.Day.Period, day, cell.Month.Period, month));
                cell.Dirty = false;
            }
        }
        foreach (var cell in waiting)
        {
            _dirty.Enqueue(cell);
        }
        if (batch.Count == 0)
        {
            return 0;
        }
        try
        {
            await store.AddQuotaUsageAsync(batch, cancellationToken).ConfigureAwait(false);
            Log.QuotaFlushed(logger, batch.Count);
            return batch.Count;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            PutBack(batch.Take(carriedCount), taken);
            Log.QuotaFlushFailed(logger, batch.Count, ex);
            if (ex is OperationCanceledException)
            {
                throw;
            }
            return 0;
        }
    }

    /// <summary>Idempotent: cancels a load still reading the store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeCount, 1) == 0)
        {
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }

    /// <summary>Rolls the cell's counters into the current day and month, carrying what the old periods had not flushed.</summary>
    private void MoveToPeriods(LineageCell cell, UtcCalendar calendar)
    {
        var day = cell.Day.Period;
        if (cell.Day.MoveTo(calendar.DayId) is > 0 and var dayLeft)
        {
            Carry(cell.LineageId, UtcCalendar.DayPeriodName(day), dayLeft);
        }
        var month = cell.Month.Period;
        if (cell.Month.MoveTo(calendar.MonthId) is > 0 and var monthLeft)
        {
            Carry(cell.LineageId, UtcCalendar.MonthPeriodName(month), monthLeft);
        }
    }

    private void MarkDirty(LineageCell cell)
    {
        if (!cell.Dirty)
        {
            cell.Dirty = true;
            _dirty.Enqueue(cell);
        }
    }

    private Task StartLoad(LineageCell cell)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref cell.Loaded, done.Task, null) is { } existing)
        {
            return existing;
        }
        // Off the request thread: SQLite calls complete synchronously, and a key without quota need not wait at all.
        _ = Task.Run(() => LoadAsync(cell, done));
        return done.Task;
    }

    private async Task LoadAsync(LineageCell cell, TaskCompletionSource done)
    {
        try
        {
            var calendar = calendars.At(time.GetUtcNow().UtcTicks);
            var stored = await store.GetQuotaUsageAsync(cell.LineageId, [calendar.DayPeriod, calendar.MonthPeriod], _disposed.Token).ConfigureAwait(false);
            using (cell.Enter())
            {
                MoveToPeriods(cell, calendar);
                // If the clock crossed into a new period since the read, the counts read belong to the old one: drop them.
                if (cell.Day.Period == calendar.DayId)
                {
                    cell.Day.Count += stored.GetValueOrDefault(calendar.DayPeriod);
                }
                if (cell.Month.Period == calendar.MonthId)
                {
                    cell.Month.Count += stored.GetValueOrDefault(calendar.MonthPeriod);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Fail open on quota, never on rate: the lineage counts from zero here, and the deltas still add up in the store.
            Log.QuotaLoadFailed(logger, cell.LineageId, ex);
        }
        finally
        {
            done.SetResult();
        }
    }

    /// <summary>After a failed flush: the carried entries back into the map, each cell's deltas back into its cell.</summary>
    private void PutBack(IEnumerable<QuotaIncrement> carried, List<(LineageCell Cell, int Day, long DayCount, int Month, long MonthCount)> taken)
    {
        foreach (var increment in carried)
        {
            Carry(increment.LineageId, increment.Period, increment.Count);
        }
        foreach (var (cell, day, dayCount, month, monthCount) in taken)
        {
            using (cell.Enter())
            {
                var dirty = false;
                if (dayCount > 0)
                {
                    dirty |= PutBack(cell, ref cell.Day, day, dayCount, UtcCalendar.DayPeriodName);
                }
                if (monthCount > 0)
                {
                    dirty |= PutBack(cell, ref cell.Month, month, monthCount, UtcCalendar.MonthPeriodName);
                }
                if (dirty)
                {
                    MarkDirty(cell);
                }
            }
        }
    }

    /// <summary>Under the cell's lock: back into the counter if it is still in <paramref name="period"/> (true), else carried.</summary>
    private bool PutBack(LineageCell cell, ref QuotaCounter counter, int period, long count, Func<int, string> periodName)
    {
        if (!cell.Evicted && counter.Period == period)
        {
            counter.Unflushed += count;
            return true;
        }
        Carry(cell.LineageId, periodName(period), count);
        return false;
    }

    private void Carry(string lineageId, string period, long count)
    {
        lock (_carriedGate)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_carried, (lineageId, period), out _);
            slot += count;
        }
    }
}
