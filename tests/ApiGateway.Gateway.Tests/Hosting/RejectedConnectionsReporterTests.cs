using System.Diagnostics.Metrics;
using ApiGateway.Gateway.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.Hosting;

/// <summary>
/// Connections Kestrel refuses at the limit are counted from its <c>kestrel.rejected_connections</c> instrument and
/// reported in one Warning, the first at once, then at most one a minute with the sum: a flood writes a line a minute,
/// not thousands a second. The instruments here are published under Kestrel's meter name, as Kestrel's are.
/// </summary>
public sealed class RejectedConnectionsReporterTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CapturedLogs _logs = new();
    private readonly Meter _kestrel = new("Microsoft.AspNetCore.Server.Kestrel");
    private readonly Meter _other = new("ApiGateway.Tests.NotKestrel");

    public void Dispose()
    {
        _kestrel.Dispose();
        _other.Dispose();
        _logs.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<LogLine> Reports => [.. _logs.Lines.Where(l => l.EventId.Id == EventIds.ConnectionsRefused)];

    [Fact]
    public async Task Refusals_FirstReportedAtOnceThenOneLineAMinuteWithTheSum()
    {
        var rejected = _kestrel.CreateCounter<long>("kestrel.rejected_connections");
        var otherInstrument = _kestrel.CreateCounter<long>("kestrel.connection.duration.count");
        var otherMeter = _other.CreateCounter<long>("kestrel.rejected_connections");
        using var reporter = new RejectedConnectionsReporter(_clock, _logs.CreateLogger<RejectedConnectionsReporter>());
        await reporter.StartAsync(Ct);
        await WaitUntilAsync(() => rejected.Enabled); // the reporter listens

        rejected.Add(3);
        otherInstrument.Add(100);
        otherMeter.Add(100);
        await WaitUntilAsync(() =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1)); // the reporter's loop may still be starting: tick until it has reported
            return Reports.Count == 1;
        });
        var first = Assert.Single(Reports);
        Assert.Equal(LogLevel.Warning, first.Level);
        Assert.StartsWith("Refused 3 connections at the connection limit", first.Message, StringComparison.Ordinal);

        rejected.Add(2);
        _clock.Advance(TimeSpan.FromSeconds(1));
        rejected.Add(4);
        _clock.Advance(TimeSpan.FromSeconds(58));
        otherMeter.Add(100);
        _clock.Advance(TimeSpan.FromSeconds(1)); // a minute after the first report
        await WaitUntilAsync(() => Reports.Count >= 2);

        Assert.Equal(2, Reports.Count);
        Assert.StartsWith("Refused 6 connections", Reports[1].Message, StringComparison.Ordinal);
        await reporter.StopAsync(Ct);
    }

    /// <summary>Polls an observable condition to a deadline (the reporter's loop runs on its own).</summary>
    private static async Task WaitUntilAsync(Func<bool> done)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met before the deadline");
            await Task.Delay(TimeSpan.FromMilliseconds(10), Ct); // poll interval
        }
    }
}
