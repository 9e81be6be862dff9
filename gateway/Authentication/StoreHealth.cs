using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// When the key store was last reached and how far the change feed has been applied. Shared by the cache
/// (staleness), the poller (progress) and <c>/readyz</c>.
/// </summary>
internal sealed class StoreHealth(TimeProvider time, IOptions<AuthOptions> options)
{
    private readonly TimeSpan _stale = options.Value.Stale;
    private long _lastReachedTicks = long.MinValue;
    private long _lastPolledTicks = long.MinValue;
    private long _processedSequence = -1;

    /// <summary>The last change-feed sequence whose evictions are done; -1 until the feed position is known.</summary>
    public long ProcessedSequence => Volatile.Read(ref _processedSequence);

    /// <summary>True once the poller knows the feed position: only then may lookups be cached.</summary>
    public bool FeedFollowed => ProcessedSequence >= 0;

    /// <summary>When any store call (poll or lookup) last succeeded.</summary>
    public DateTimeOffset? LastReached => FromTicks(Interlocked.Read(ref _lastReachedTicks));

    /// <summary>Reached the store within <c>Auth:StaleSeconds</c> (what <c>/readyz</c> reports).</summary>
    public bool IsReachable => LastReached is { } last && time.GetUtcNow() - last <= _stale;

    public void ReportReached(DateTimeOffset at) => InterlockedMax.Advance(ref _lastReachedTicks, at.UtcTicks);

    public void ReportPolled(DateTimeOffset at, long sequence)
    {
        Volatile.Write(ref _processedSequence, sequence);
        InterlockedMax.Advance(ref _lastPolledTicks, at.UtcTicks);
        InterlockedMax.Advance(ref _lastReachedTicks, at.UtcTicks);
    }

    /// <summary>
    /// Whether a record read at <paramref name="confirmedAt"/> may still be served at <paramref name="now"/>: it was read,
    /// or the change feed (which would have evicted it on any change) was last followed, within <c>Auth:StaleSeconds</c>.
    /// </summary>
    public bool IsFresh(DateTimeOffset confirmedAt, DateTimeOffset now)
    {
        var polled = Interlocked.Read(ref _lastPolledTicks);
        var reference = Math.Max(confirmedAt.UtcTicks, polled);
        return now.UtcTicks - reference <= _stale.Ticks;
    }

    private static DateTimeOffset? FromTicks(long ticks) => ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
