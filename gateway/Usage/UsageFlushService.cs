using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Usage;

/// <summary>
/// Flushes <see cref="UsageRecorder"/> every <see cref="UsageOptions.FlushSeconds"/> on the injected clock, prunes
/// hourly rows past the retention once an hour, and flushes a last time at graceful shutdown (after the server has
/// drained its requests: hosted services stop in reverse order, and the web server starts last).
/// </summary>
internal sealed class UsageFlushService(UsageRecorder recorder, TimeProvider time, IOptions<UsageOptions> options) : BackgroundService
{
    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FlushSeconds), time);
        var nextPrune = time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await recorder.FlushAsync(stoppingToken);
                if (time.GetUtcNow() >= nextPrune)
                {
                    await recorder.PruneAsync(stoppingToken);
                    nextPrune = time.GetUtcNow() + PruneInterval;
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
        await recorder.FlushAsync(cancellationToken);
    }
}
