using ApiGateway.Keys.RateLimits;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The in-process limiter: one <see cref="LineageCell"/> per key lineage (<see cref="LineageCells"/>), and one per
/// workspace with limits of its own, each holding a GCRA bucket and the calendar quota counters, decided together under
/// one lock by <see cref="RateLimitDecider"/> (the key's cell's, or the workspace cell's once the key's moved under it)
/// so a refusal spends nothing; admitted requests are counted in the <see cref="QuotaLedger"/>. Refill is arithmetic on the
/// clock, so there is no replenishment timer: the only background work is <see cref="FlushAsync"/> (persist quota
/// deltas in one batch) and <see cref="Sweep"/> (evict idle cells), both driven by <see cref="RateLimitMaintenanceService"/>.
/// </summary>
internal sealed partial class LocalKeyRateLimiter : IKeyRateLimiter, IDisposable
{
    private readonly LineageCells _cells = new();
    private readonly CalendarCache _calendars;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<RateLimitsOptions> _options;
    private readonly ILogger<LocalKeyRateLimiter> _logger;
    /// <summary>With Redis this limiter only decides while Redis is unreachable: its admissions are Redis's to learn of.</summary>
    private readonly bool _isFallback;

    public LocalKeyRateLimiter(
        IUsageStore store, TimeProvider time, IOptionsMonitor<RateLimitsOptions> options, SharedLimiterMode mode, ILogger<LocalKeyRateLimiter> logger)
    {
        _isFallback = mode.IsShared;
        _time = time;
        _options = options;
        _logger = logger;
        _calendars = new CalendarCache(time);
        Ledger = new QuotaLedger(store, time, _cells, _calendars, logger);
    }

    /// <summary>The quota counts of the lineages held here; the Redis limiter keeps them through it too.</summary>
    public QuotaLedger Ledger { get; }

    /// <summary>Lineages currently held in memory.</summary>
    public int Count => _cells.Count;

    /// <summary>Pairs (lineage, period) waiting for the store after failed flushes: at most one per pair.</summary>
    public int PendingDeltas => Ledger.PendingDeltas;

    public ValueTask<RateLimitDecision> AcquireAsync(RateLimitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.Policy);
        while (true)
        {
            var cell = _cells.GetOrAdd(request.LineageId);
            var loaded = Ledger.Load(cell);
            if (!loaded.IsCompleted && request.Policy.HasQuota)
            {
                // First use of the lineage in this process: its quota may already be partly spent (before a restart).
                return AcquireWhenLoadedAsync(request, loaded, cancellationToken);
            }
            LineageCell? workspace = null;
            if (request.Workspace is { } limit)
            {
                workspace = _cells.GetOrAdd(limit.StateId);
                var workspaceLoaded = Ledger.Load(workspace);
                if (!workspaceLoaded.IsCompleted && limit.Policy.HasQuota)
                {
                    return AcquireWhenLoadedAsync(request, workspaceLoaded, cancellationToken);
                }
            }
            if (TryDecide(cell, workspace, request, out var decision))
            {
                return ValueTask.FromResult(decision);
            }
            // The sweep evicted a cell between the lookup and the lock, or a request for another workspace moved the
            // key's cell under its lock: look the cells up again.
        }
    }

    private async ValueTask<RateLimitDecision> AcquireWhenLoadedAsync(RateLimitRequest request, Task loaded, CancellationToken cancellationToken)
    {
        await loaded.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await AcquireAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides under ONE lock: the key's cell's own, or, with workspace limits, the workspace cell's, under which the key's
    /// cell is first moved (once, then it stays there while the key keeps serving that workspace: see <see cref="LineageCell"/>).
    /// </summary>
    private bool TryDecide(LineageCell cell, LineageCell? workspace, in RateLimitRequest request, out RateLimitDecision decision)
    {
        decision = default;
        if (workspace is not null && !cell.IsUnder(workspace) && !cell.MoveUnder(workspace))
        {
            return false;
        }
        using (workspace is null ? cell.Enter() : workspace.Enter())
        {
            if (cell.Evicted || (workspace is not null && (workspace.Evicted || !cell.IsUnder(workspace))))
            {
                return false;
            }
            // The clock is read under the lock, so a cell's decisions see time in order (a stale reading would
            // make a later request look early).
            var now = _time.GetUtcNow().UtcTicks;
            var calendar = _calendars.At(now);
            cell.LastSeen = now;
            var stored = new RateLimitDecider.Stored(
                new GcraState(cell.Tat, cell.EmissionTicks), cell.Day.SpentIn(calendar.DayId), cell.Month.SpentIn(calendar.MonthId));
            var workspaceStored = default(RateLimitDecider.Stored);
            if (workspace is not null)
            {
                workspace.LastSeen = now;
                workspaceStored = new RateLimitDecider.Stored(
                    new GcraState(workspace.Tat, workspace.EmissionTicks), workspace.Day.SpentIn(calendar.DayId), workspace.Month.SpentIn(calendar.MonthId));
            }
            decision = RateLimitDecider.Decide(stored, request.Policy, workspaceStored, request.Workspace?.Policy, now, calendar, request.Cost,
                out var admitted, out var workspaceAdmitted);
            if (decision.IsAllowed)
            {
                cell.Tat = admitted.Tat;
                cell.EmissionTicks = admitted.EmissionTicks;
                Ledger.Spend(cell, calendar, _isFallback, request.Cost);
                if (workspace is not null)
                {
                    workspace.Tat = workspaceAdmitted.Tat;
                    workspace.EmissionTicks = workspaceAdmitted.EmissionTicks;
                    Ledger.Spend(workspace, calendar, _isFallback, request.Cost);
                }
            }
            return true;
        }
    }

    /// <summary>
    /// The state held for a lineage (bucket, day and month counters), or null when there is none or its stored counts are
    /// still loading (the load adds to them): what a decision read and, unless it admitted, left unchanged.
    /// </summary>
    internal (GcraState Bucket, QuotaCounter Day, QuotaCounter Month)? Inspect(string lineageId)
    {
        if (!_cells.TryGet(lineageId, out var cell) || cell.Loaded is not { IsCompleted: true })
        {
            return null;
        }
        using (cell.Enter())
        {
            return (new GcraState(cell.Tat, cell.EmissionTicks), cell.Day, cell.Month);
        }
    }

    /// <summary>Writes every unflushed quota delta in one batch (<see cref="QuotaLedger.FlushAsync"/>).</summary>
    public Task<int> FlushAsync(CancellationToken cancellationToken) => Ledger.FlushAsync(cancellationToken);

    /// <summary>
    /// Evicts cells idle for <see cref="RateLimitsOptions.IdleSeconds"/> whose bucket is full again and whose quota is in
    /// the store, so a later request rebuilds exactly the same state. Skipped entirely while a failed flush is carried.
    /// </summary>
    public int Sweep()
    {
        if (Ledger.HasCarried)
        {
            return 0;
        }
        var now = _time.GetUtcNow().UtcTicks;
        var evicted = _cells.EvictIdle(now, TimeSpan.FromSeconds(_options.CurrentValue.IdleSeconds).Ticks);
        if (evicted > 0)
        {
            Log.CellsEvicted(_logger, evicted, _cells.Count);
        }
        return evicted;
    }

    /// <summary>Idempotent: the container disposes the instance once per registration (concrete type and interface).</summary>
    public void Dispose() => Ledger.Dispose();
}
