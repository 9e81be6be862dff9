using ApiGateway.Gateway.Proxy;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// The breakers' policy as docs/gateway.md "Upstream" states it, on a fake clock: one breaker per cluster (ids in any
/// case, as YARP matches them), open when half the forwards of 10 s start badly (at least 5), and one line per state
/// change, never one per request.
/// </summary>
public sealed class UpstreamCircuitBreakersTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CapturedLogs _logs = new();
    private readonly UpstreamCircuitBreakers _breakers;

    public UpstreamCircuitBreakersTests() => _breakers = new UpstreamCircuitBreakers(_clock, _logs.CreateLogger<UpstreamCircuitBreakers>());

    public void Dispose() => _logs.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void Report(ClusterBreaker breaker, int healthy, int failed)
    {
        for (var i = 0; i < healthy; i++)
        {
            breaker.Report(healthy: true);
        }
        for (var i = 0; i < failed; i++)
        {
            breaker.Report(healthy: false);
        }
    }

    [Fact]
    public void For_TheSameClusterInAnyCase_OneBreakerAndOthersApart()
    {
        Assert.Same(_breakers.For("main"), _breakers.For("MAIN"));

        Report(_breakers.For("Main"), healthy: 0, failed: UpstreamCircuitBreakers.MinimumThroughput);

        Assert.False(_breakers.For("main").IsClosed);
        Assert.True(_breakers.For("sandbox").IsClosed);
    }

    [Theory]
    [InlineData(5, 5, false)]   // half failed: open
    [InlineData(6, 4, true)]    // less than half
    [InlineData(0, 4, true)]    // fewer than 5 forwards say nothing yet
    public void Report_FailureRatioAndMinimum_DecideTheCircuit(int healthy, int failed, bool closed)
    {
        var breaker = _breakers.For("main");

        Report(breaker, healthy, failed);

        Assert.Equal(closed, breaker.IsClosed);
    }

    [Fact]
    public void Report_FailuresMoreThanTenSecondsApart_NeverAddUp()
    {
        var breaker = _breakers.For("main");

        Report(breaker, healthy: 0, failed: 4);
        _clock.Advance(TimeSpan.FromSeconds(11));
        Report(breaker, healthy: 0, failed: 4);

        Assert.True(breaker.IsClosed);
    }

    [Fact]
    public async Task StateChanges_OneWarningWhenItOpensAndOneLineWhenItCloses()
    {
        var breaker = _breakers.For("main");

        Report(breaker, healthy: 0, failed: 12); // the ones after the fifth are refused by the open circuit, not logged
        await WaitForAsync(EventIds.UpstreamCircuitOpened);
        _clock.Advance(UpstreamCircuitBreakers.BreakDuration);
        Assert.NotNull(await breaker.TryTrialAsync(() => Task.CompletedTask, Task.FromResult<bool?>(true)));
        await WaitForAsync(EventIds.UpstreamCircuitClosed);

        var opened = Assert.Single(_logs.Lines, l => l.EventId.Id == EventIds.UpstreamCircuitOpened);
        Assert.Equal(LogLevel.Warning, opened.Level);
        Assert.Equal("Upstream cluster main is failing: circuit open for 5 s, requests get 503.", opened.Message);
        Assert.Equal(2, _logs.Lines.Count);
    }

    /// <summary>Polly runs the state-change callbacks on their own: polls the log for the line.</summary>
    private async Task WaitForAsync(int eventId)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!_logs.Lines.Any(l => l.EventId.Id == eventId))
        {
            Assert.True(DateTime.UtcNow < until, $"event {eventId} not logged before the deadline");
            await Task.Delay(TimeSpan.FromMilliseconds(10), Ct); // poll interval
        }
    }
}
