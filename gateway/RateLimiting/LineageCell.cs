namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The local state of one key lineage: the GCRA theoretical arrival time and the day and month quota counters.
/// Every field but <see cref="Loaded"/> is read and written under <see cref="Gate"/>. Once <see cref="Evicted"/> is set
/// the cell is out of the map and must not change: an acquirer that finds it so looks the lineage up again.
/// </summary>
internal sealed class LineageCell(string lineageId)
{
    public readonly Lock Gate = new();

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

    public string LineageId { get; } = lineageId;
}
