using ApiGateway.Keys.RateLimits;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>
/// Every <see cref="RateLimitsOptions.QuotaFlushSeconds"/>: persists spent quota in one batch, then (every half
/// <see cref="RateLimitsOptions.IdleSeconds"/>) evicts idle cells; one loop, so a cell is never evicted while its deltas
/// are in flight. Flushes once more at shutdown. Quota exhaustions (<see cref="QuotaExhaustions"/>) go with each flush.
/// </summary>
internal sealed partial class RateLimitMaintenanceService(
    LocalKeyRateLimiter limiter, QuotaExhaustions exhaustions, IOptions<RateLimitsOptions> options, TimeProvider time, ILogger<RateLimitMaintenanceService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.QuotaFlushSeconds), time);
        // Eviction only needs to keep pace with IdleSeconds; the sweep visits every cell, so it runs at most twice per idle time.
        var sweepEvery = TimeSpan.FromSeconds(options.Value.IdleSeconds) / 2;
        var lastSweep = time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await limiter.FlushAsync(stoppingToken);
                await exhaustions.FlushAsync(stoppingToken);
                if (time.GetUtcNow() - lastSweep >= sweepEvery)
                {
                    limiter.Sweep();
                    lastSweep = time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync flushes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var written = await limiter.FlushAsync(cancellationToken);
        await exhaustions.FlushAsync(cancellationToken);
        Log.FinalFlush(logger, written);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.QuotaFinalFlush, LogLevel.Debug, "Wrote {Count} quota counters at shutdown.", EventName = nameof(EventIds.QuotaFinalFlush))]
        public static partial void FinalFlush(ILogger logger, int count);
    }
}
