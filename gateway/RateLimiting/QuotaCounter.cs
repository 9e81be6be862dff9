namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Requests a lineage spent in one calendar period (<see cref="Period"/> is a day or month id, 0 before first use):
/// <see cref="Count"/> is the total (store base plus local), <see cref="Unflushed"/> the part not yet written to the store.
/// A mutable struct held in a <see cref="LineageCell"/> field and changed only under the cell's lock.
/// </summary>
internal struct QuotaCounter
{
    public int Period;
    public long Count;
    public long Unflushed;

    /// <summary>The count that applies in <paramref name="period"/> without moving there (a later period starts at zero).</summary>
    public readonly long CountIn(int period) => Period < period ? 0 : Count;

    /// <summary>Moves to <paramref name="period"/>; returns the unflushed count of the period left behind (to persist), or 0.</summary>
    public long MoveTo(int period)
    {
        if (Period == period)
        {
            return 0;
        }
        var left = Period < period ? Unflushed : 0;
        if (Period < period)
        {
            Period = period;
            Count = 0;
            Unflushed = 0;
        }
        return left;
    }
}
