namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Units a lineage spent in one calendar period (a request spends its route's cost, 1 unless the route says otherwise) (<see cref="Period"/> is a day or month id, 0 before first use), as
/// this process knows them. A mutable struct held in a <see cref="LineageCell"/> field and changed only under the cell's lock.
/// <para>
/// <see cref="Count"/> is the store's count when the cell loaded plus every request this process admitted since (itself
/// or through Redis); <see cref="Unflushed"/> the part not yet written to the store. With Redis, <see cref="Shared"/> is
/// the count Redis last reported plus what this process's fallback admitted since, and <see cref="Unmerged"/> the
/// fallback's spends Redis has not been told about. Each is a lower bound of what the lineage spent, so the quota is
/// checked against the larger (<see cref="Spent"/>): a Redis outage neither resets a quota nor loses what it spent
/// (docs/scale-out.md).
/// </para>
/// </summary>
internal struct QuotaCounter
{
    public int Period;
    public long Count;
    public long Unflushed;
    public long Shared;
    public long Unmerged;

    public readonly long Spent => Math.Max(Count, Shared);

    /// <summary>The spent count that applies in <paramref name="period"/> without moving there (a later period starts at zero).</summary>
    public readonly long SpentIn(int period) => Period < period ? 0 : Spent;

    /// <summary>The fallback's spends in <paramref name="period"/> that Redis has not seen.</summary>
    public readonly long UnmergedIn(int period) => Period == period ? Unmerged : 0;

    /// <summary>One admitted request of <paramref name="units"/> (its cost); <paramref name="byFallback"/> when the local limiter stood in for Redis.</summary>
    public void Admit(bool byFallback, long units)
    {
        Count += units;
        Unflushed += units;
        if (byFallback)
        {
            Shared += units;
            Unmerged += units;
        }
    }

    /// <summary>Redis answered with <paramref name="shared"/> after adding <paramref name="merged"/> of the fallback's spends.</summary>
    public void Observe(long shared, long merged)
    {
        Shared = Math.Max(Shared, shared);
        Unmerged = Math.Max(0, Unmerged - merged);
    }

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
            this = new QuotaCounter { Period = period };
        }
        return left;
    }
}
