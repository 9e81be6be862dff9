using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Usage;

/// <summary>
/// Flushes an in-memory hourly counter every <see cref="UsageOptions.FlushSeconds"/> on the injected clock, prunes its
/// rows past the retention once an hour (first on the first tick), and flushes a last time at graceful shutdown (after
/// the server has drained its requests: hosted services stop in reverse order, and the web server starts last).
/// </summary>
internal abstract class PeriodicFlushService(TimeProvider time, IOptions<UsageOptions> options) : BackgroundService
{
    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private PeriodicTimer? _timer;

    protected abstract Task FlushAsync(CancellationToken cancellationToken);

    protected abstract Task PruneAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates the timer before the host reports started (.NET 10 runs all of <see cref="ExecuteAsync"/> in the
    /// background), so the first flush is due one interval after start, whatever the clock does meanwhile.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FlushSeconds), time);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer ?? throw new InvalidOperationException("StartAsync creates the timer.");
        var nextPrune = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                if (time.GetUtcNow() >= nextPrune)
                {
                    await PruneAsync(stoppingToken);
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
        await FlushAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }
}
