using System.Diagnostics.Metrics;

namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Kestrel logs a Warning for every connection it refuses at the connection limit, thousands a second under a flood
/// (the shipped appsettings.json filters them). This counts the same refusals from Kestrel's
/// <c>kestrel.rejected_connections</c> instrument and writes one Warning for the first, then at most one a minute.
/// </summary>
internal sealed partial class RejectedConnectionsReporter(TimeProvider time, ILogger<RejectedConnectionsReporter> logger) : BackgroundService
{
    private const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";
    private const string RejectedInstrument = "kestrel.rejected_connections";
    private static readonly TimeSpan Check = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);

    private long _rejected;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == KestrelMeter && instrument.Name == RejectedInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _rejected, value));
        listener.Start();

        var lastReport = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(Check, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                if (now - lastReport >= Quiet && Interlocked.Exchange(ref _rejected, 0) is var count and > 0)
                {
                    Log.Refused(logger, count);
                    lastReport = now;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ConnectionsRefused, LogLevel.Warning, "Refused {Count} connections at the connection limit since the last report (docs/gateway.md \"Connection limits\").", EventName = nameof(EventIds.ConnectionsRefused))]
        public static partial void Refused(ILogger logger, long count);
    }
}
