using System.Collections.Concurrent;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// The <see cref="LineageCell"/> of every key lineage this process holds, and their eviction. A cell is evicted (marked
/// <see cref="LineageCell.Evicted"/> under its lock, then removed) only when a later request would rebuild exactly the
/// same state from nothing and the store: see <see cref="EvictIdle"/>.
/// </summary>
internal sealed class LineageCells
{
    private static readonly Func<string, LineageCell> Create = static id => new LineageCell(id);
    private readonly ConcurrentDictionary<string, LineageCell> _cells = new(StringComparer.Ordinal);

    /// <summary>Lineages currently held in memory.</summary>
    public int Count => _cells.Count;

    /// <summary>The lineage's cell, created empty (its stored quota not loaded yet) on first use.</summary>
    public LineageCell GetOrAdd(string lineageId) => _cells.GetOrAdd(lineageId, Create);

    public bool TryGet(string lineageId, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out LineageCell cell) =>
        _cells.TryGetValue(lineageId, out cell);

    /// <summary>Every cell held now (a snapshot).</summary>
    public ICollection<LineageCell> All => _cells.Values;

    /// <summary>
    /// Evicts the cells unused for <paramref name="idleTicks"/> whose bucket is full again at <paramref name="now"/> and
    /// whose quota is all in the store (loaded, nothing unflushed, no fallback spend Redis has not seen); returns how many.
    /// </summary>
    public int EvictIdle(long now, long idleTicks)
    {
        var evicted = 0;
        foreach (var (lineageId, cell) in _cells)
        {
            using (cell.Enter())
            {
                if (cell.Dirty || cell.Loaded is not { IsCompleted: true } || cell.Tat > now || now - cell.LastSeen < idleTicks
                    || cell.Day.Unmerged > 0 || cell.Month.Unmerged > 0)
                {
                    continue;
                }
                cell.Evicted = true;
                _cells.TryRemove(KeyValuePair.Create(lineageId, cell));
            }
            evicted++;
        }
        return evicted;
    }
}
