using System.Collections.Concurrent;
using ApiGateway.Gateway.Usage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.Usage;

/// <summary>The schedule every hourly counter is flushed on: each interval on the injected clock, pruned hourly from the first tick, and once more at stop.</summary>
public sealed class PeriodicFlushServiceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly RecordingFlushService _service;

    public PeriodicFlushServiceTests() => _service = new RecordingFlushService(_clock, Options.Create(new UsageOptions { FlushSeconds = (int)Interval.TotalSeconds }));

    public void Dispose() => _service.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private int Prunes() => _service.Calls.Count(c => c.Kind == "prune");

    private static async Task NextAsync(SemaphoreSlim calls) => Assert.True(await calls.WaitAsync(Deadline, Ct), "not called before the deadline");

    [Fact]
    public async Task Ticks_FlushEveryIntervalAndPruneOnTheFirstThenHourly()
    {
        await _service.StartAsync(Ct);

        _clock.Advance(Interval);
        await NextAsync(_service.Flushes);
        await NextAsync(_service.Prunes); // the clock stands still: the first tick's
        _clock.Advance(Interval);
        await NextAsync(_service.Flushes);
        _clock.Advance(Interval);
        await NextAsync(_service.Flushes); // the second tick's loop has finished
        Assert.Equal(1, Prunes());

        _clock.Advance(PeriodicFlushService.PruneInterval);
        await NextAsync(_service.Prunes); // an hour on
        _clock.Advance(Interval);
        await _service.StopAsync(Ct);

        Assert.Equal(2, Prunes());
        Assert.Equal(new Call("flush", _clock.GetUtcNow()), _service.Calls[^1]); // the stop's
    }

    /// <summary>The timer exists once StartAsync returns: a clock that moves before the loop first runs still brings the first flush one interval after start.</summary>
    [Fact]
    public async Task StartAsync_ClockMovesAtOnce_FirstFlushOneIntervalAfterStart()
    {
        await _service.StartAsync(Ct);
        _clock.Advance(Interval);

        await NextAsync(_service.Flushes);

        Assert.Equal(Start + Interval, _service.Calls[0].At);
        await _service.StopAsync(Ct);
    }

    [Fact]
    public async Task StopAsync_BeforeAnyTick_FlushesOnceAndDoesNotPrune()
    {
        await _service.StartAsync(Ct);

        await _service.StopAsync(Ct);

        Assert.Equal([new Call("flush", Start)], _service.Calls);
    }

    private sealed record Call(string Kind, DateTimeOffset At);

    private sealed class RecordingFlushService(FakeTimeProvider clock, IOptions<UsageOptions> options) : PeriodicFlushService(clock, options)
    {
        private readonly ConcurrentQueue<Call> _calls = new();

        public SemaphoreSlim Flushes { get; } = new(0);

        public SemaphoreSlim Prunes { get; } = new(0);

        public IReadOnlyList<Call> Calls => [.. _calls];

        public override void Dispose()
        {
            base.Dispose();
            Flushes.Dispose();
            Prunes.Dispose();
        }

        protected override Task FlushAsync(CancellationToken cancellationToken)
        {
            _calls.Enqueue(new Call("flush", clock.GetUtcNow()));
            Flushes.Release();
            return Task.CompletedTask;
        }

        protected override Task PruneAsync(CancellationToken cancellationToken)
        {
            _calls.Enqueue(new Call("prune", clock.GetUtcNow()));
            Prunes.Release();
            return Task.CompletedTask;
        }
    }
}
