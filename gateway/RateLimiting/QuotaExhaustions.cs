using System.Collections.Concurrent;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Remembers which lineages this gateway refused for spent quota, once per lineage and period, and writes them to the
/// store with the quota flush (<see cref="RateLimitMaintenanceService"/>), never per request: the admin API sends one
/// <c>key.quota_exhausted</c> webhook per row (docs/webhooks.md "Expiry warnings and spent quotas"). A refusal costs one
/// dictionary probe; the first of a period also queues one row.
/// </summary>
internal sealed partial class QuotaExhaustions(IQuotaExhaustionStore store, TimeProvider time, ILogger<QuotaExhaustions> logger)
{
    private readonly CalendarCache _calendars = new(time);
    private readonly ConcurrentDictionary<(string LineageId, string Period), bool> _seen = new();
    private readonly ConcurrentQueue<QuotaExhaustion> _pending = new();

    /// <summary>Notes a refusal if it is for a spent quota (a rate refusal is not).</summary>
    public void Note(ApiKey key, RateLimitRefusal refusal)
    {
        if (refusal is not (RateLimitRefusal.DailyQuota or RateLimitRefusal.MonthlyQuota))
        {
            return;
        }
        var now = time.GetUtcNow();
        var calendar = _calendars.At(now.UtcTicks);
        var period = refusal == RateLimitRefusal.DailyQuota ? calendar.DayPeriod : calendar.MonthPeriod;
        if (_seen.TryAdd((key.LineageId, period), true))
        {
            _pending.Enqueue(new QuotaExhaustion(key.LineageId, period, key.Id, now));
        }
    }

    /// <summary>Writes what is queued; on failure it stays queued for the next flush. Forgets periods that have ended.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<QuotaExhaustion>();
        while (_pending.TryDequeue(out var exhaustion))
        {
            batch.Add(exhaustion);
        }
        if (batch.Count > 0)
        {
            try
            {
                await store.RecordAsync(batch, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                batch.ForEach(_pending.Enqueue);
                Log.FlushFailed(logger, exception, batch.Count);
                return 0;
            }
        }
        var calendar = _calendars.At(time.GetUtcNow().UtcTicks);
        foreach (var seen in _seen.Keys)
        {
            if (seen.Period != calendar.DayPeriod && seen.Period != calendar.MonthPeriod)
            {
                _seen.TryRemove(seen, out _);
            }
        }
        return batch.Count;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.QuotaExhaustionsFlushFailed, LogLevel.Warning, "Could not record {Count} quota exhaustions; retrying at the next flush.", EventName = nameof(EventIds.QuotaExhaustionsFlushFailed))]
        public static partial void FlushFailed(ILogger logger, Exception exception, int count);
    }
}
