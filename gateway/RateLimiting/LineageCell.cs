namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The local state of one key lineage (or of one workspace's own limits, under the id <c>ws:{workspaceId}</c>): the GCRA
/// theoretical arrival time and the day and month quota counters. Every field but <see cref="Loaded"/> is read and
/// written under the cell's gate (<see cref="Enter"/>). Once <see cref="Evicted"/> is set the cell is out of the map and
/// must not change: an acquirer that finds it so looks the lineage up again.
/// </summary>
/// <remarks>
/// The gate is the cell's own lock until a request decides the lineage together with a workspace's limits: the cell
/// then moves under the workspace cell's lock (<see cref="MoveUnder"/>), so the key's and the workspace's state are
/// decided in one step under ONE lock, never two (docs/benchmark.md "Workspace limits"). A workspace cell never moves.
/// Whoever holds the current gate may move the cell; everyone else re-reads the gate after taking it (<see cref="Enter"/>),
/// so a move waits for the holder of the old gate and every later holder sees the new one.
/// </remarks>
internal sealed class LineageCell
{
    private readonly Lock _own = new();
    private Lock _gate;

    public LineageCell(string lineageId)
    {
        LineageId = lineageId;
        _gate = _own;
    }

    /// <summary>Set once: completes when the quota counts persisted before this cell existed have been added.</summary>
    public Task? Loaded;

    /// <summary>UTC ticks at which the bucket is full again (GCRA's theoretical arrival time).</summary>
    public long Tat;

    /// <summary>The emission interval <see cref="Tat"/> was computed with, to rescale it when the policy changes.</summary>
    public long EmissionTicks;

    public long LastSeen;
    public QuotaCounter Day;
    public QuotaCounter Month;

    /// <summary>Queued for the next flush (it has unflushed counts, or waits for its load to finish).</summary>
    public bool Dirty;

    public bool Evicted;

    public string LineageId { get; }

    /// <summary>Takes the cell's current gate, held until the scope is disposed.</summary>
    public Lock.Scope Enter()
    {
        while (true)
        {
            var gate = Volatile.Read(ref _gate);
            var scope = gate.EnterScope();
            if (gate == Volatile.Read(ref _gate))
            {
                return scope;
            }
            // Moved while we waited: the state is guarded by the new gate now.
            scope.Dispose();
        }
    }

    /// <summary>Whether the cell is guarded by <paramref name="home"/>'s own lock (a workspace cell's).</summary>
    public bool IsUnder(LineageCell home) => Volatile.Read(ref _gate) == home._own;

    /// <summary>
    /// Puts the cell under <paramref name="home"/>'s lock, taking its current gate to do so (so nobody is inside the old
    /// one); false when the cell was evicted meanwhile. Not called while holding any gate.
    /// </summary>
    public bool MoveUnder(LineageCell home)
    {
        using (Enter())
        {
            if (Evicted)
            {
                return false;
            }
            Volatile.Write(ref _gate, home._own);
            return true;
        }
    }
}
