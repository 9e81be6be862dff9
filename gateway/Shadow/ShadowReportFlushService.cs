using ApiGateway.Gateway.Usage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// Flushes <see cref="ShadowReport"/> every <c>Usage:FlushSeconds</c> on the injected clock, prunes rows past the
/// retention once an hour, and flushes a last time at graceful shutdown, as <see cref="UsageFlushService"/> does for
/// usage. Runs only when <c>Gateway:ShadowRoutesFile</c> is set.
/// </summary>
internal sealed class ShadowReportFlushService(ShadowReport report, TimeProvider time, IOptions<UsageOptions> options) : BackgroundService
{
    private PeriodicTimer? _timer;

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
                await report.FlushAsync(stoppingToken);
                if (time.GetUtcNow() >= nextPrune)
                {
                    await report.PruneAsync(stoppingToken);
                    nextPrune = time.GetUtcNow() + UsageFlushService.PruneInterval;
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
        await report.FlushAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }
}
