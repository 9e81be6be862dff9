namespace ApiGateway.Gateway.RateLimiting;

internal sealed partial class LocalKeyRateLimiter
{
    /// <summary>Event ids 1 to 3 are the <see cref="QuotaLedger"/>'s, logged through this limiter's logger.</summary>
    private static partial class Log
    {
        [LoggerMessage(EventIds.CellsEvicted, LogLevel.Debug, "Evicted {Evicted} idle rate-limit cells; {Remaining} remain.", EventName = nameof(EventIds.CellsEvicted))]
        public static partial void CellsEvicted(ILogger logger, int evicted, int remaining);
    }
}
