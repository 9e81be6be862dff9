using System.Collections.Concurrent;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The in-process limiter: one <see cref="LineageCell"/> per key lineage holding a GCRA bucket and the calendar quota
/// counters, decided together under the cell's lock so a refusal spends nothing. Refill is arithmetic on the clock, so
/// there is no replenishment timer: the only background work is <see cref="FlushAsync"/> (persist quota deltas in one
/// batch) and <see cref="Sweep"/> (evict idle cells), both driven by <see cref="RateLimitMaintenanceService"/>.
/// </summary>
internal sealed partial class LocalKeyRateLimiter : IKeyRateLimiter, IDisposable
{
    private readonly ConcurrentDictionary<string, LineageCell> _cells = new(StringComparer.Ordinal);
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
    private readonly Func<string, LineageCell> _createCell = static id => new LineageCell(id);
    private readonly IUsageStore _store;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<RateLimitsOptions> _options;
    private readonly ILogger<LocalKeyRateLimiter> _logger;
    /// <summary>With Redis this limiter only decides while Redis is unreachable: its admissions are Redis's to learn of.</summary>
    private readonly bool _isFallback;
    private volatile UtcCalendar _today;
    private int _disposeCount;

    public LocalKeyRateLimiter(
        IUsageStore store, TimeProvider time, IOptionsMonitor<RateLimitsOptions> options, SharedLimiterMode mode, ILogger<LocalKeyRateLimiter> logger)
    {
        _isFallback = mode.IsShared;
        _store = store;
        _time = time;
        _options = options;
        _logger = logger;
        _today = UtcCalendar.At(time.GetUtcNow().UtcTicks);
    }

    /// <summary>Lineages currently held in memory.</summary>
    public int Count => _cells.Count;

    public ValueTask<RateLimitDecision> AcquireAsync(RateLimitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Policy);
        while (true)
        {
            var cell = _cells.GetOrAdd(request.LineageId, _createCell);
            var loaded = cell.Loaded ?? StartLoad(cell);
            if (!loaded.IsCompleted && request.Policy.HasQuota)
            {
                // First use of the lineage in this process: its quota may already be partly spent (before a restart).
                return AcquireWhenLoadedAsync(request, loaded, cancellationToken);
            }
            if (TryDecide(cell, request.Policy, out var decision))
            {
                return ValueTask.FromResult(decision);
            }
            // The sweep evicted the cell between the lookup and the lock: look the lineage up again.
        }
    }

    private async ValueTask<RateLimitDecision> AcquireWhenLoadedAsync(RateLimitRequest request, Task loaded, CancellationToken cancellationToken)
    {
        await loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await AcquireAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private bool TryDecide(LineageCell cell, RateLimitPolicy policy, out RateLimitDecision decision)
    {
        lock (cell.Gate)
        {
            if (cell.Evicted)
            {
                decision = default;
                return false;
            }
            // The clock is read under the lock, so a cell's decisions see time in order (a stale reading would
            // make a later request look early).
            var now = _time.GetUtcNow().UtcTicks;
            var calendar = Calendar(now);
            cell.LastSeen = now;

            // Decide on the stored state without touching it: only an admitted request writes (see Gcra).
            var bucket = new GcraState(cell.Tat, cell.EmissionTicks);
            var refusal = Gcra.TryAdmit(bucket, policy, now, out var admitted, out var retryAfter) ? RateLimitRefusal.None : RateLimitRefusal.Rate;
            var dayCount = cell.Day.SpentIn(calendar.DayId);
            var monthCount = cell.Month.SpentIn(calendar.MonthId);
            if (policy.Daily is { } daily && dayCount >= daily && calendar.DayEnd - now > retryAfter)
            {
                refusal = RateLimitRefusal.DailyQuota;
                retryAfter = calendar.DayEnd - now;
            }
            if (policy.Monthly is { } monthly && monthCount >= monthly && calendar.MonthEnd - now > retryAfter)
            {
                refusal = RateLimitRefusal.MonthlyQuota;
                retryAfter = calendar.MonthEnd - now;
            }

            if (refusal == RateLimitRefusal.None)
            {
                bucket = admitted;
                cell.Tat = admitted.Tat;
                cell.EmissionTicks = admitted.EmissionTicks;
                MoveToPeriods(cell, calendar);
                cell.Day.Admit(_isFallback);
                cell.Month.Admit(_isFallback);
                dayCount = cell.Day.Spent;
                monthCount = cell.Month.Spent;
                MarkDirty(cell);
            }
            decision = new RateLimitDecision(
                refusal,
                policy,
                Remaining: Gcra.Remaining(bucket, policy, now),
                ResetAfter: TimeSpan.FromTicks(Gcra.ResetAfter(bucket, now)),
                RetryAfter: TimeSpan.FromTicks(retryAfter),
                Daily: policy.Daily is { } d ? new QuotaStatus(d, Math.Max(0, d - dayCount), TimeSpan.FromTicks(calendar.DayEnd - now), UtcCalendar.DayWindow) : null,
                Monthly: policy.Monthly is { } m ? new QuotaStatus(m, Math.Max(0, m - monthCount), TimeSpan.FromTicks(calendar.MonthEnd - now), calendar.MonthWindow) : null);
            return true;
        }
    }

    /// <summary>
    /// Before a Redis decision (<see cref="RedisKeyRateLimiter"/>): the lineage's cell, once the store's counts are in it
    /// when the policy has a quota, so that a counter Redis lost (a restart without persistence) is seeded from them.
    /// </summary>
    public ValueTask<LineageCell> BeginSharedAsync(RateLimitRequest request, CancellationToken cancellationToken)
    {
        var cell = _cells.GetOrAdd(request.LineageId, _createCell);
        var loaded = cell.Loaded ?? StartLoad(cell);
        return loaded.IsCompleted || !request.Policy.HasQuota ? ValueTask.FromResult(cell) : WhenLoadedAsync(cell, loaded, cancellationToken);

        static async ValueTask<LineageCell> WhenLoadedAsync(LineageCell cell, Task loaded, CancellationToken cancellationToken)
        {
            await loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
            return cell;
        }
    }

    /// <summary>What to send with the Redis call: the counts to seed missing counters with, and the fallback's unmerged spends.</summary>
    public static SharedQuotaSync SharedCounts(LineageCell cell, UtcCalendar calendar)
    {
        lock (cell.Gate)
        {
            return new SharedQuotaSync(
                cell.Day.SpentIn(calendar.DayId), cell.Month.SpentIn(calendar.MonthId),
                cell.Day.UnmergedIn(calendar.DayId), cell.Month.UnmergedIn(calendar.MonthId));
        }
    }

    /// <summary>
    /// After a Redis decision: remembers the counts Redis reported (what the fallback starts from if Redis goes away),
    /// takes off the unmerged spends the call added, and queues an admitted request for the store, so the store holds
    /// every request Redis admitted too (what a gateway started during an outage, or a Redis that lost its counters, starts from).
    /// </summary>
    public void EndShared(LineageCell cell, string lineageId, UtcCalendar calendar, in SharedQuotaSync sent, bool admitted, long dayCount, long monthCount)
    {
        while (true)
        {
            lock (cell.Gate)
            {
                if (!cell.Evicted)
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
                        cell.Day.Admit(byFallback: false);
                        cell.Month.Admit(byFallback: false);
                        MarkDirty(cell);
                    }
                    return;
                }
            }
            // Swept between the call and now: an evicted cell had nothing unmerged, so only the admission is left to record.
            if (!admitted)
            {
                return;
            }
            cell = _cells.GetOrAdd(lineageId, _createCell);
            _ = cell.Loaded ?? StartLoad(cell);
        }
    }

    /// <summary>
    /// The state held for a lineage (bucket, day and month counters), or null when there is none or its stored counts are
    /// still loading (the load adds to them): what a decision read and, unless it admitted, left unchanged.
    /// </summary>
    internal (GcraState Bucket, QuotaCounter Day, QuotaCounter Month)? Inspect(string lineageId)
    {
        if (!_cells.TryGetValue(lineageId, out var cell) || cell.Loaded is not { IsCompleted: true })
        {
            return null;
        }
        lock (cell.Gate)
        {
            return (new GcraState(cell.Tat, cell.EmissionTicks), cell.Day, cell.Month);
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

    private UtcCalendar Calendar(long now)
    {
        var today = _today;
        if (today.Contains(now))
        {
            return today;
        }
        today = UtcCalendar.At(now);
        _today = today;
        return today;
    }

    /// <summary>Period names, reusing today's strings: nearly every counter in a flush is in the current day and month.</summary>
    private string DayPeriod(int dayId) => _today is { } today && today.DayId == dayId ? today.DayPeriod : UtcCalendar.DayPeriodName(dayId);

    private string MonthPeriod(int monthId) => _today is { } today && today.MonthId == monthId ? today.MonthPeriod : UtcCalendar.MonthPeriodName(monthId);

    /// <summary>Starts (once per cell) adding the counts the store already holds for the lineage's current day and month.</summary>
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
            var calendar = Calendar(_time.GetUtcNow().UtcTicks);
            var stored = await _store.GetQuotaUsageAsync(cell.LineageId, [calendar.DayPeriod, calendar.MonthPeriod], _disposed.Token).ConfigureAwait(false);
            lock (cell.Gate)
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
            Log.QuotaLoadFailed(_logger, cell.LineageId, ex);
        }
        finally
        {
            done.SetResult();
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
            lock (cell.Gate)
            {
                var day = cell.Day.Unflushed;
                var month = cell.Month.Unflushed;
                if (day > 0)
                {
                    batch.Add(new QuotaIncrement(cell.LineageId, DayPeriod(cell.Day.Period), day));
                    cell.Day.Unflushed = 0;
                }
                if (month > 0)
                {
                    batch.Add(new QuotaIncrement(cell.LineageId, MonthPeriod(cell.Month.Period), month));
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
            await _store.AddQuotaUsageAsync(batch, cancellationToken).ConfigureAwait(false);
            Log.QuotaFlushed(_logger, batch.Count);
            return batch.Count;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            PutBack(batch.Take(carriedCount), taken);
            Log.QuotaFlushFailed(_logger, batch.Count, ex);
            if (ex is OperationCanceledException)
            {
                throw;
            }
            return 0;
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
            foreach (var cell in _cells.Values)
            {
                lock (cell.Gate)
                {
                    pending += (cell.Day.Unflushed > 0 ? 1 : 0) + (cell.Month.Unflushed > 0 ? 1 : 0);
                }
            }
            return pending;
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
            lock (cell.Gate)
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
            ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_carried, (lineageId, period), out _);
            slot += count;
        }
    }

    /// <summary>
    /// Evicts cells idle for <see cref="RateLimitsOptions.IdleSeconds"/> whose bucket is full again and whose quota is in
    /// the store, so a later request rebuilds exactly the same state. Skipped entirely while a failed flush is carried.
    /// </summary>
    public int Sweep()
    {
        lock (_carriedGate)
        {
            if (_carried.Count > 0)
            {
                return 0;
            }
        }
        var now = _time.GetUtcNow().UtcTicks;
        var idle = TimeSpan.FromSeconds(_options.CurrentValue.IdleSeconds).Ticks;
        var evicted = 0;
        foreach (var (lineageId, cell) in _cells)
        {
            lock (cell.Gate)
            {
                if (cell.Dirty || cell.Loaded is not { IsCompleted: true } || cell.Tat > now || now - cell.LastSeen < idle
                    || cell.Day.Unmerged > 0 || cell.Month.Unmerged > 0)
                {
                    continue;
                }
                cell.Evicted = true;
                _cells.TryRemove(KeyValuePair.Create(lineageId, cell));
            }
            evicted++;
        }
        if (evicted > 0)
        {
            Log.CellsEvicted(_logger, evicted, _cells.Count);
        }
        return evicted;
    }

    /// <summary>Idempotent: the container disposes the instance once per registration (concrete type and interface).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeCount, 1) == 0)
        {
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }
}
