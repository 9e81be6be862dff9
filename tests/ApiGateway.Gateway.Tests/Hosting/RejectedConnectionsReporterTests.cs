using System.Diagnostics.Metrics;
using ApiGateway.Gateway.Hosting;
using ApiGateway.TestKit;
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

    private readonly ReadCountingClock _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
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
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, _clock.Reads); // only the reporter reads this clock
        using var reporter = new RejectedConnectionsReporter(_clock, _logs.CreateLogger<RejectedConnectionsReporter>());
        await reporter.StartAsync(Ct);
        // Its listener starts before its timer: once its loop has read the clock, it counts every refusal.
        await WaitUntilAsync(() =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            return _clock.Reads > 0;
        });

        rejected.Add(3);
        otherInstrument.Add(100);
        otherMeter.Add(100);
        await TickAsync(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => Reports.Count == 1);
        var first = Reports[0];
        Assert.Equal(LogLevel.Warning, first.Level);
        Assert.Equal(3, Refused(first));

        rejected.Add(2);
        await TickAsync(TimeSpan.FromSeconds(1)); // within the quiet minute: not reported yet
        rejected.Add(4);
        otherMeter.Add(100);
        await TickAsync(TimeSpan.FromSeconds(58));
        await TickAsync(TimeSpan.FromSeconds(1)); // a minute after the first report
        await WaitUntilAsync(() => Reports.Count >= 2);

        Assert.Equal(2, Reports.Count);
        Assert.Equal(6, Refused(Reports[1]));
        await reporter.StopAsync(Ct);
    }

    /// <summary>Moves the clock and waits until the reporter's loop has read it: one check at a time, at a known instant.</summary>
    private async Task TickAsync(TimeSpan by)
    {
        var reads = _clock.Reads;
        _clock.Advance(by);
        await WaitUntilAsync(() => _clock.Reads > reads);
    }

    private static long Refused(LogLine line)
    {
        var match = System.Text.RegularExpressions.Regex.Match(line.Message, "^Refused (\\d+) connections at the connection limit");
        Assert.True(match.Success, line.Message);
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
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

    /// <summary>A fake clock that counts its reads: the reporter reads it once per check, so a test can tell a check ran.</summary>
    private sealed class ReadCountingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref _reads);
            return base.GetUtcNow();
        }
    }
}
