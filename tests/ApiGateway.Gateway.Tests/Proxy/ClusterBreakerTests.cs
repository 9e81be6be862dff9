using ApiGateway.Gateway.Proxy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// One cluster's breaker on a fake clock: it opens on failed starts, refuses while open, and after the break admits one
/// trial that lasts only until the forward has started (a stream or a tunnel never holds it), a start that never comes
/// counting as a failure. The gateway's forwards through it are in CircuitBreakerTests.
/// </summary>
public sealed class ClusterBreakerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ClusterBreaker _breaker;

    public ClusterBreakerTests() => _breaker = new UpstreamCircuitBreakers(_clock, NullLogger<UpstreamCircuitBreakers>.Instance).For("main");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void Open()
    {
        for (var i = 0; i < UpstreamCircuitBreakers.MinimumThroughput; i++)
        {
            _breaker.Report(healthy: false);
        }
        Assert.False(_breaker.IsClosed);
    }

    [Fact]
    public void Report_HealthyStarts_StaysClosed()
    {
        for (var i = 0; i < 20; i++)
        {
            _breaker.Report(healthy: true);
        }
        _breaker.Report(healthy: false);

        Assert.True(_breaker.IsClosed);
    }

    [Fact]
    public async Task TryTrial_WhileOpen_RefusedAndTheForwardNeverRuns()
    {
        Open();
        var ran = false;

        var forward = await _breaker.TryTrialAsync(() =>
        {
            ran = true;
            return Task.CompletedTask;
        }, Task.FromResult<bool?>(true));

        Assert.Null(forward);
        Assert.False(ran);
    }

    /// <summary>The trial ends when the forward has started, not when it ends: the forward goes on, the circuit is already closed.</summary>
    [Fact]
    public async Task TryTrial_AfterTheBreakStartedWell_ClosesWhileTheForwardStillRuns()
    {
        Open();
        _clock.Advance(UpstreamCircuitBreakers.BreakDuration);
        var stream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var forward = await _breaker.TryTrialAsync(() => stream.Task, Task.FromResult<bool?>(true)).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.NotNull(forward);
        Assert.False(forward.IsCompleted);
        Assert.True(_breaker.IsClosed);
        stream.SetResult();
    }

    [Fact]
    public async Task TryTrial_StartSaysNothingAboutTheUpstream_CountedGood()
    {
        Open();
        _clock.Advance(UpstreamCircuitBreakers.BreakDuration);

        var forward = await _breaker.TryTrialAsync(() => Task.CompletedTask, Task.FromResult<bool?>(null)).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.NotNull(forward);
        Assert.True(_breaker.IsClosed);
    }

    [Fact]
    public async Task TryTrial_StartNeverComes_FailsAfterTheTrialTimeoutAndStaysOpen()
    {
        Open();
        _clock.Advance(UpstreamCircuitBreakers.BreakDuration);
        var neverStarts = new TaskCompletionSource<bool?>(TaskCreationOptions.RunContinuationsAsynchronously);

        var trial = _breaker.TryTrialAsync(() => Task.Delay(Timeout.Infinite, Ct), neverStarts.Task);
        Assert.False(trial.IsCompleted);
        while (!trial.IsCompleted)
        {
            _clock.Advance(TimeSpan.FromSeconds(1)); // until the trial timeout's timer exists and fires
            await Task.WhenAny(trial, Task.Delay(TimeSpan.FromMilliseconds(10), Ct)); // poll interval
        }

        Assert.NotNull(await trial);
        Assert.False(_breaker.IsClosed);
        Assert.Null(await _breaker.TryTrialAsync(() => Task.CompletedTask, Task.FromResult<bool?>(true))); // a new break started
    }
}
