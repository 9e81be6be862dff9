using System.Collections.Concurrent;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// The key lookup in front of <see cref="IKeyStore"/>: found keys (any status) and a bounded set of unknown hashes.
/// <see cref="KeyChangePoller"/> evicts changed keys; an answer is served while it is younger than
/// <c>Auth:MaxCacheAgeSeconds</c> and <c>now - max(confirmed, last successful poll)</c> is within <c>Auth:StaleSeconds</c>,
/// otherwise it is re-read (and if the store cannot be reached, served only within the stale bound, else 503).
/// </summary>
/// <remarks>
/// Correct by construction against a lookup racing a change (docs/gateway.md "Freshness and outages"): every
/// <see cref="Evict"/> and <see cref="Clear"/> first increments an eviction epoch, then removes. A load reads the epoch
/// before it queries the store, publishes its answer, then reads the epoch again and withdraws the answer if it moved.
/// So a row read before a change is either published before the eviction (which then removes it) or sees the epoch the
/// eviction moved (and withdraws itself); there is no third order.
/// </remarks>
internal sealed partial class KeyCache(IKeyStore store, StoreHealth health, TimeProvider time, IOptions<AuthOptions> options, ILogger<KeyCache> logger)
{
    private readonly ConcurrentDictionary<KeyHash, CachedKey> _keys = new();
    // A key's hash never changes, so this map is never pruned: an entry can never be published without its mapping.
    private readonly ConcurrentDictionary<string, KeyHash> _hashById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<KeyHash, DateTimeOffset> _unknown = new();
    private readonly AuthOptions _options = options.Value;
    private readonly TimeSpan _maxAge = options.Value.MaxCacheAge;
    private long _epoch;

    public int Count => _keys.Count;

    /// <summary>
    /// The key with this hash (any status), or unknown, or store unavailable. A hit costs two dictionary reads and no
    /// allocation, so callers that must re-check a key often (an open WebSocket, every second) may simply ask again.
    /// </summary>
    public ValueTask<KeyLookup> LookupAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(hash, out var entry) && health.IsFresh(entry.ConfirmedAt, now))
        {
            var found = new KeyLookup(KeyLookupStatus.Found, entry);
            return now - entry.ConfirmedAt <= _maxAge ? new(found) : LoadAsync(hash, found, cancellationToken);
        }
        if (_unknown.TryGetValue(hash, out var confirmedAt) && health.IsFresh(confirmedAt, now))
        {
            return now - confirmedAt <= _maxAge ? new(KeyLookup.Unknown) : LoadAsync(hash, KeyLookup.Unknown, cancellationToken);
        }
        return LoadAsync(hash, fallback: null, cancellationToken);
    }

    /// <summary>Whether the key with this hash would be let in now (found and active): the cheap re-check for long-lived connections.</summary>
    public async ValueTask<bool> IsActiveAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        var lookup = await LookupAsync(hash, cancellationToken);
        return lookup.Entry is { } entry && entry.Key.StatusAt(time.GetUtcNow()) == KeyStatus.Active;
    }

    /// <summary>Drops the cached copy of a key that changed in the store, and voids every lookup still in flight.</summary>
    public void Evict(string keyId)
    {
        Interlocked.Increment(ref _epoch);
        if (_hashById.TryGetValue(keyId, out var hash))
        {
            _keys.TryRemove(hash, out _);
        }
    }

    /// <summary>Forgets every answer (the change feed could not be followed, e.g. it went backwards).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _epoch);
        _keys.Clear();
        _unknown.Clear();
    }

    /// <param name="fallback">A cached answer due for a re-read: still served if the store cannot be reached.</param>
    private async ValueTask<KeyLookup> LoadAsync(KeyHash hash, KeyLookup? fallback, CancellationToken cancellationToken)
    {
        // Before the store: any eviction from here on may concern the row we are about to read.
        var epoch = Interlocked.Read(ref _epoch);
        // Until the feed position is known nothing would evict what we cache, so nothing is cached.
        var cacheable = health.FeedFollowed;
        ApiKey? key;
        try
        {
            key = await store.FindByHashAsync(hash, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.LookupFailed(logger, ex.GetType().Name);
            return fallback ?? KeyLookup.StoreUnavailable;
        }
        var now = time.GetUtcNow();
        health.ReportReached(now);
        if (key is null)
        {
            if (cacheable)
            {
                RememberUnknown(hash, now, epoch);
            }
            return KeyLookup.Unknown;
        }
        var entry = new CachedKey(key, hash, now);
        if (cacheable)
        {
            Remember(entry, epoch);
        }
        return new KeyLookup(KeyLookupStatus.Found, entry);
    }

    private void Remember(CachedKey entry, long epoch)
    {
        // Mapping first: an eviction that finds the entry must also find its id.
        _hashById[entry.Key.Id] = entry.Hash;
        _keys[entry.Hash] = entry;
        _unknown.TryRemove(entry.Hash, out _);
        if (Interlocked.Read(ref _epoch) != epoch)
        {
            // A change was applied while we read: ours may be the old version. Serve it once, cache nothing.
            _keys.TryRemove(KeyValuePair.Create(entry.Hash, entry));
        }
    }

    private void RememberUnknown(KeyHash hash, DateTimeOffset now, long epoch)
    {
        if (_options.NegativeCacheSize == 0)
        {
            return;
        }
        if (_unknown.Count >= _options.NegativeCacheSize)
        {
            // Bounded: a flood of made-up keys resets the set rather than growing memory.
            _unknown.Clear();
        }
        _unknown[hash] = now;
        if (Interlocked.Read(ref _epoch) != epoch)
        {
            // The change applied meanwhile may be this very key's creation (an import): do not hide it.
            _unknown.TryRemove(KeyValuePair.Create(hash, now));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Key store lookup failed ({ErrorType}).", EventName = "KeyLookupFailed")]
        public static partial void LookupFailed(ILogger logger, string errorType);
    }
}
