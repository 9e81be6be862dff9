namespace ApiGateway.Gateway.RateLimiting;

internal sealed partial class QuotaLedger
{
    /// <summary>Logged through the limiter's logger (category and event ids as before the ledger was its own type).</summary>
    private static partial class Log
    {
        [LoggerMessage(EventIds.QuotaLoadFailed, LogLevel.Warning, "Could not read the spent quota of lineage {LineageId}; counting it from zero in this process.", EventName = nameof(EventIds.QuotaLoadFailed))]
        public static partial void QuotaLoadFailed(ILogger logger, string lineageId, Exception exception);

        [LoggerMessage(EventIds.QuotaFlushed, LogLevel.Debug, "Flushed {Count} quota counters.", EventName = nameof(EventIds.QuotaFlushed))]
        public static partial void QuotaFlushed(ILogger logger, int count);

        [LoggerMessage(EventIds.QuotaFlushFailed, LogLevel.Warning, "Could not write {Count} quota counters; they are kept for the next flush.", EventName = nameof(EventIds.QuotaFlushFailed))]
        public static partial void QuotaFlushFailed(ILogger logger, int count, Exception exception);
    }
}
