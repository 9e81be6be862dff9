using System.Collections.Concurrent;
using System.Net;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// The key lookup in front of <see cref="IKeyStore"/>: found keys (any status) and a bounded set of unknown hashes
/// (<see cref="UnknownKeys"/>). <see cref="KeyChangePoller"/> evicts changed keys; an answer is served while it is
/// younger than <c>Auth:MaxCacheAgeSeconds</c> and <c>now - max(confirmed, last successful poll)</c> is within
/// <c>Auth:StaleSeconds</c>, otherwise it is re-read (and if the store cannot be reached, served only within the stale
/// bound, else 503). Store reads are single-flighted per hash, and a client's misses are budgeted
/// (<see cref="FailedLookupBudget"/>).
/// </summary>
/// <remarks>
/// Correct by construction against a lookup racing a change (docs/gateway.md "Freshness and outages"): every
/// <see cref="Evict"/> and <see cref="Clear"/> first moves the eviction epoch of <see cref="EpochSingleFlight{TKey, TResult}"/>,
/// then removes. A load takes the epoch before it queries the store, publishes its answer, then checks the epoch again and
/// withdraws the answer if it moved. So a row read before a change is either published before the eviction (which then
/// removes it) or sees the epoch the eviction moved (and withdraws itself); there is no third order. A request joins a
/// load in flight only if no eviction happened since it began.
/// </remarks>
internal sealed partial class KeyCache(
    IKeyStore store, StoreHealth health, FailedLookupBudget budget, TimeProvider time, IOptions<AuthOptions> options, ILogger<KeyCache> logger)
{
    private readonly ConcurrentDictionary<KeyHash, CachedKey> _keys = new();
    // A key's hash never changes, so these maps are never pruned: an entry can never be published without its mapping,
    // and a hash that ever belonged to a key stays exempt from the failed-lookup budget. Bounded by the store's keys.
    private readonly ConcurrentDictionary<string, KeyHash> _hashById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<KeyHash, string> _idByHash = new();
    private readonly UnknownKeys _unknown = new(options.Value.NegativeCacheSize);
    private readonly EpochSingleFlight<KeyHash, KeyLookup> _reads = new();
    private readonly TimeSpan _maxAge = options.Value.MaxCacheAge;
    // The epoch of the last eviction of a key id this cache never mapped: possibly a key just stored (an import, whose
    // hash may have been looked up before). Negative answers older than it are re-read.
    private long _unmappedChangeEpoch;

    /// <summary>A cache with its own failed-lookup budget (benchmarks and tests that build one by hand).</summary>
    public KeyCache(IKeyStore store, StoreHealth health, TimeProvider time, IOptions<AuthOptions> options, ILogger<KeyCache> logger)
        : this(store, health, new FailedLookupBudget(time, options), time, options, logger)
    {
    }

    public int Count => _keys.Count;

    /// <summary>
    /// Raised after <see cref="Evict"/> (with the key id) and <see cref="Clear"/> (with null, meaning every key): open
    /// WebSocket tunnels re-check their key on it (WebSockets/OpenTunnels.cs). Handlers must return at once.
    /// </summary>
    public event Action<string?>? KeyChanged;

    /// <summary>
    /// The key with this hash (any status), or unknown, or store unavailable; no failed-lookup budget applies. A hit
    /// costs two dictionary reads and no allocation, so a caller that must re-check a key often (an open WebSocket,
    /// every second) may simply ask again: see <see cref="IsActiveAsync"/>.
    /// </summary>
    public ValueTask<KeyLookup> LookupAsync(KeyHash hash, CancellationToken cancellationToken) =>
        LookupAsync(hash, budgeted: false, client: null, cancellationToken);

    /// <summary>
    /// As <see cref="LookupAsync(KeyHash, CancellationToken)"/>, for a request from <paramref name="client"/>: a key not
    /// already cached, nor ever found, that would need a store query once the client's failed-lookup budget is spent is
    /// <see cref="KeyLookupStatus.Throttled"/> instead, with no store query.
    /// </summary>
    public ValueTask<KeyLookup> LookupAsync(KeyHash hash, IPAddress? client, CancellationToken cancellationToken) =>
        LookupAsync(hash, budgeted: true, client, cancellationToken);

    /// <summary>Whether the key with this hash would be let in now (found and active): the cheap re-check for long-lived connections.</summary>
    public async ValueTask<bool> IsActiveAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        var lookup = await LookupAsync(hash, cancellationToken);
        return lookup.Entry is { } entry && entry.Key.StatusAt(time.GetUtcNow()) == KeyStatus.Active;
    }

    /// <summary>Drops the cached copy of a key that changed in the store, and voids every lookup still in flight.</summary>
    public void Evict(string keyId)
    {
        var epoch = _reads.Advance();
        if (_hashById.TryGetValue(keyId, out var hash))
        {
            _keys.TryRemove(hash, out _);
        }
        else
        {
            InterlockedMax.Advance(ref _unmappedChangeEpoch, epoch);
        }
        KeyChanged?.Invoke(keyId);
    }

    /// <summary>Forgets every answer (the change feed could not be followed, e.g. it went backwards).</summary>
    public void Clear()
    {
        _reads.Advance();
        _keys.Clear();
        _unknown.Clear();
        KeyChanged?.Invoke(null);
    }

    private ValueTask<KeyLookup> LookupAsync(KeyHash hash, bool budgeted, IPAddress? client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(hash, out var entry) && health.IsFresh(entry.ConfirmedAt, now))
        {
            var found = new KeyLookup(KeyLookupStatus.Found, entry);
            return now - entry.ConfirmedAt <= _maxAge ? new(found) : LoadAsync(hash, found, cancellationToken);
        }
        KeyLookup? fallback = null;
        if (_unknown.TryGet(hash, out var unknown) && health.IsFresh(unknown.ConfirmedAt, now)
            && unknown.Epoch >= Interlocked.Read(ref _unmappedChangeEpoch))
        {
            if (now - unknown.ConfirmedAt <= _maxAge)
            {
                return new(KeyLookup.Unknown);
            }
            fallback = KeyLookup.Unknown;
        }
        if (!budgeted || _idByHash.ContainsKey(hash))
        {
            return LoadAsync(hash, fallback, cancellationToken);
        }
        // A read already in flight for this hash costs the store nothing more: joining it spends no budget, so a
        // burst on a key minted a moment ago (first use, not yet cached) is never throttled by its own concurrency.
        if (_reads.TryJoinCurrent(hash) is { } shared)
        {
            return AwaitLoadAsync(shared, fallback, cancellationToken);
        }
        if (!budget.TryReserve(client, out var reservation, out var retryAfter))
        {
            return new(KeyLookup.Throttled(retryAfter));
        }
        return LoadBudgetedAsync(hash, fallback, reservation, cancellationToken);
    }

    private async ValueTask<KeyLookup> LoadBudgetedAsync(
        KeyHash hash, KeyLookup? fallback, FailedLookupBudget.Reservation reservation, CancellationToken cancellationToken)
    {
        var result = KeyLookup.StoreUnavailable;
        try
        {
            result = await LoadAsync(hash, fallback, cancellationToken);
        }
        finally
        {
            if (result.Status != KeyLookupStatus.Unknown)
            {
                FailedLookupBudget.Refund(reservation);
            }
        }
        return result;
    }

    /// <param name="fallback">A cached answer due for a re-read: still served if the store cannot be reached.</param>
    private ValueTask<KeyLookup> LoadAsync(KeyHash hash, KeyLookup? fallback, CancellationToken cancellationToken)
        => AwaitLoadAsync(
            _reads.JoinOrStart(hash, this, static (cache, hash, epoch) => cache.ReadStoreAsync(hash, epoch)), fallback, cancellationToken);

    private static async ValueTask<KeyLookup> AwaitLoadAsync(Task<KeyLookup> load, KeyLookup? fallback, CancellationToken cancellationToken)
    {
        // The shared read is not cancelled by one caller leaving; each caller stops waiting on its own token.
        var result = await load.WaitAsync(cancellationToken);
        return result.Status == KeyLookupStatus.StoreUnavailable && fallback is { } cached ? cached : result;
    }

    private async Task<KeyLookup> ReadStoreAsync(KeyHash hash, long epoch)
    {
        // Until the feed position is known nothing would evict what we cache, so nothing is cached.
        var cacheable = health.FeedFollowed;
        ApiKey? key;
        try
        {
            // No request's token: waiters share this read, and the store's command timeout bounds it.
            key = await store.FindByHashAsync(hash, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.LookupFailed(logger, ex.GetType().Name);
            return KeyLookup.StoreUnavailable;
        }
        var now = time.GetUtcNow();
        health.ReportReached(now);
        if (key is null)
        {
            if (cacheable)
            {
                RememberUnknown(hash, new UnknownKey(now, epoch));
            }
            return KeyLookup.Unknown;
        }
        var entry = new CachedKey(key, hash, now);
        _idByHash[hash] = key.Id;
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
        _unknown.Remove(entry.Hash);
        if (!_reads.IsCurrent(epoch))
        {
            // A change was applied while we read: ours may be the old version. Serve it once, cache nothing.
            _keys.TryRemove(KeyValuePair.Create(entry.Hash, entry));
        }
    }

    private void RememberUnknown(KeyHash hash, UnknownKey entry)
    {
        _unknown.Add(hash, entry);
        if (!_reads.IsCurrent(entry.Epoch))
        {
            // The change applied meanwhile may be this very key's creation (an import): do not hide it.
            _unknown.Remove(hash, entry);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.KeyLookupFailed, LogLevel.Debug, "Key store lookup failed ({ErrorType}).", EventName = nameof(EventIds.KeyLookupFailed))]
        public static partial void LookupFailed(ILogger logger, string errorType);
    }
}
