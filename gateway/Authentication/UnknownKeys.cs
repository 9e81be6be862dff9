using System.Collections.Concurrent;
using ApiGateway.Keys.Format;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// The bounded negative cache of <see cref="KeyCache"/>: hashes the store said no key has. Full, it forgets the oldest
/// entry, never everything, so a flood of made-up keys costs the store one query per key it adds and cannot wash out
/// the rest at once. Reads are lock-free; adding takes a short lock (adds follow a store query, so they are rare).
/// </summary>
internal sealed class UnknownKeys(int capacity)
{
    private readonly ConcurrentDictionary<KeyHash, UnknownKey> _entries = new();
    // Insertion order; a re-added hash leaves its older position behind, skipped when it reaches the front.
    private readonly Queue<(KeyHash Hash, UnknownKey Entry)> _order = new();
    private readonly Lock _lock = new();

    public int Count => _entries.Count;

    public bool TryGet(KeyHash hash, out UnknownKey entry) => _entries.TryGetValue(hash, out entry!);

    public void Add(KeyHash hash, UnknownKey entry)
    {
        if (capacity == 0)
        {
            return;
        }
        lock (_lock)
        {
            _entries[hash] = entry;
            _order.Enqueue((hash, entry));
            // The queue may also hold left-behind positions; dropping them first keeps it within twice the capacity.
            while (_entries.Count > capacity || _order.Count > 2 * capacity)
            {
                var (oldest, oldEntry) = _order.Dequeue();
                _entries.TryRemove(KeyValuePair.Create(oldest, oldEntry));
            }
        }
    }

    /// <summary>Removes <paramref name="entry"/> if it is still the one held for <paramref name="hash"/>.</summary>
    public void Remove(KeyHash hash, UnknownKey entry) => _entries.TryRemove(KeyValuePair.Create(hash, entry));

    public void Remove(KeyHash hash) => _entries.TryRemove(hash, out _);

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _order.Clear();
        }
    }
}

/// <summary>A negative answer: when the store gave it, and the cache's eviction epoch when the lookup began.</summary>
internal sealed record UnknownKey(DateTimeOffset ConfirmedAt, long Epoch);
