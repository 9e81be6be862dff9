using System.Collections.Concurrent;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// The key lookup in front of <see cref="IKeyStore"/>: found keys (any status) and a bounded set of unknown hashes.
/// <see cref="KeyChangePoller"/> evicts changed keys, so a cached answer is as fresh as the last successful poll;
/// an entry is served while <c>now - max(confirmed, last successful poll)</c> is within <c>Auth:StaleSeconds</c>,
/// otherwise it is re-read, and if the store cannot be reached the request gets 503.
/// </summary>
internal sealed partial class KeyCache(IKeyStore store, StoreHealth health, TimeProvider time, IOptions<AuthOptions> options, ILogger<KeyCache> logger)
{
    private readonly ConcurrentDictionary<KeyHash, CachedKey> _keys = new();
    private readonly ConcurrentDictionary<string, KeyHash> _hashById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<KeyHash, DateTimeOffset> _unknown = new();
    private readonly AuthOptions _options = options.Value;

    public int Count => _keys.Count;

    public ValueTask<KeyLookup> LookupAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(hash, out var entry) && health.IsFresh(entry.ConfirmedAt, now))
        {
            return new(new KeyLookup(KeyLookupStatus.Found, entry));
        }
        if (_unknown.TryGetValue(hash, out var confirmedAt) && health.IsFresh(confirmedAt, now))
        {
            return new(KeyLookup.Unknown);
        }
        return LoadAsync(hash, cancellationToken);
    }

    /// <summary>Drops the cached copy of a key that changed in the store.</summary>
    public void Evict(string keyId)
    {
        if (_hashById.TryRemove(keyId, out var hash))
        {
            _keys.TryRemove(hash, out _);
        }
    }

    /// <summary>Forgets everything (the change feed could not be followed, e.g. it was reset).</summary>
    public void Clear()
    {
        _keys.Clear();
        _hashById.Clear();
        _unknown.Clear();
    }

    private async ValueTask<KeyLookup> LoadAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        // Read the feed position first: if a change is applied while we query, the entry we add may predate it.
        var sequenceBefore = health.ProcessedSequence;
        Keys.Model.ApiKey? key;
        try
        {
            key = await store.FindByHashAsync(hash, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.LookupFailed(logger, ex.GetType().Name);
            return KeyLookup.StoreUnavailable;
        }
        var now = time.GetUtcNow();
        health.ReportReached(now);
        if (key is null)
        {
            RememberUnknown(hash, now);
            return KeyLookup.Unknown;
        }
        var entry = new CachedKey(key, hash, now);
        _unknown.TryRemove(hash, out _);
        if (health.FeedFollowed)
        {
            _keys[hash] = entry;
            _hashById[key.Id] = hash;
            if (health.ProcessedSequence != sequenceBefore)
            {
                // A change was applied while we read: ours may be the old version. Serve it once, cache nothing.
                _keys.TryRemove(new KeyValuePair<KeyHash, CachedKey>(hash, entry));
            }
        }
        return new KeyLookup(KeyLookupStatus.Found, entry);
    }

    private void RememberUnknown(KeyHash hash, DateTimeOffset now)
    {
        if (_options.NegativeCacheSize == 0 || !health.FeedFollowed)
        {
            return;
        }
        if (_unknown.Count >= _options.NegativeCacheSize)
        {
            // Bounded: a flood of made-up keys resets the set rather than growing memory.
            _unknown.Clear();
        }
        _unknown[hash] = now;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Key store lookup failed ({ErrorType}).", EventName = "KeyLookupFailed")]
        public static partial void LookupFailed(ILogger logger, string errorType);
    }
}
