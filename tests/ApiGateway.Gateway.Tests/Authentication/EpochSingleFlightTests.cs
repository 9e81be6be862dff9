using ApiGateway.Gateway.Authentication;

namespace ApiGateway.Gateway.Tests.Authentication;

public sealed class EpochSingleFlightTests
{
    [Fact]
    public async Task JoinOrStart_WhileAReadIsInFlight_JoinsItInsteadOfReadingAgain()
    {
        var flights = new EpochSingleFlight<string, int>(StringComparer.Ordinal);
        var reads = new Reads();

        var first = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        var second = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        reads.Complete(0, 7);

        Assert.Same(first, second);
        Assert.Equal(7, await first);
        Assert.Equal(1, reads.Started);
    }

    [Fact]
    public async Task JoinOrStart_AfterAnEviction_StartsAFreshReadThatLaterCallersJoin()
    {
        var flights = new EpochSingleFlight<string, int>(StringComparer.Ordinal);
        var reads = new Reads();
        var before = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));

        // The read in flight may have seen the row before the change: nobody may join it from now on.
        flights.Advance();
        var after = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        var later = flights.TryJoinCurrent("k");
        reads.Complete(0, 1);
        reads.Complete(1, 2);

        Assert.NotSame(before, after);
        Assert.Same(after, later);
        Assert.Equal(1, await before);
        Assert.Equal(2, await after);
        Assert.Equal([0L, 1L], reads.Epochs);
    }

    [Fact]
    public void IsCurrent_TheReadsOwnEpoch_FalseOnceAnEvictionHappenedWhileItRan()
    {
        var flights = new EpochSingleFlight<string, int>(StringComparer.Ordinal);
        var reads = new Reads();
        _ = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        var epoch = reads.Epochs.Single();

        Assert.True(flights.IsCurrent(epoch));
        flights.Advance();
        Assert.False(flights.IsCurrent(epoch));
        reads.Complete(0, 0);
    }

    [Fact]
    public async Task TryJoinCurrent_NothingInFlightOrTheReadEnded_ReturnsNull()
    {
        var flights = new EpochSingleFlight<string, int>(StringComparer.Ordinal);
        var reads = new Reads();

        Assert.Null(flights.TryJoinCurrent("k"));
        var read = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        Assert.Same(read, flights.TryJoinCurrent("k"));
        reads.Complete(0, 3);
        await read;

        Assert.Null(flights.TryJoinCurrent("k"));
        Assert.Equal(0, flights.InFlight);
    }

    [Fact]
    public async Task JoinOrStart_ReadThrows_EveryWaiterSeesTheFailureAndTheNextCallerReadsAgain()
    {
        var flights = new EpochSingleFlight<string, int>(StringComparer.Ordinal);
        var reads = new Reads();
        var first = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        var joined = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));

        reads.Fail(0, new TimeoutException("store"));

        await Assert.ThrowsAsync<TimeoutException>(() => first);
        await Assert.ThrowsAsync<TimeoutException>(() => joined);
        Assert.Equal(0, flights.InFlight);
        var retry = flights.JoinOrStart("k", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        reads.Complete(1, 5);
        Assert.Equal(5, await retry);
    }

    [Fact]
    public async Task JoinOrStart_DifferentKeys_ReadIndependently()
    {
        var flights = new EpochSingleFlight<string, int>(StringComparer.Ordinal);
        var reads = new Reads();

        var a = flights.JoinOrStart("a", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        var b = flights.JoinOrStart("b", reads, static (r, key, epoch) => r.ReadAsync(key, epoch));
        reads.Complete(1, 2);
        reads.Complete(0, 1);

        Assert.Equal(1, await a);
        Assert.Equal(2, await b);
        Assert.Equal(["a", "b"], reads.Keys);
    }

    [Fact]
    public async Task JoinOrStart_ManyCallersRacingOneKey_StartExactlyOneRead()
    {
        var flights = new EpochSingleFlight<int, int>();
        var reads = new Reads();
        var ct = TestContext.Current.CancellationToken;
        using var start = new ManualResetEventSlim();
        // StartNew, not Run: each caller must get the read's task itself, not have it unwrapped and awaited.
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
        {
            start.Wait(ct);
            return flights.JoinOrStart(1, reads, static (r, key, epoch) => r.ReadAsync(key.ToString(System.Globalization.CultureInfo.InvariantCulture), epoch));
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        start.Set();
        var joined = await Task.WhenAll(callers);
        reads.Complete(0, 9);

        Assert.Equal(1, reads.Started);
        Assert.All(joined, task => Assert.Same(joined[0], task));
        Assert.Equal(9, await joined[0]);
    }

    /// <summary>Store reads the test completes one by one, in the order they started.</summary>
    private sealed class Reads
    {
        private readonly List<TaskCompletionSource<int>> _pending = [];

        public List<long> Epochs { get; } = [];

        public List<string> Keys { get; } = [];

        public int Started
        {
            get
            {
                lock (_pending)
                {
                    return _pending.Count;
                }
            }
        }

        public Task<int> ReadAsync(string key, long epoch)
        {
            var read = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_pending)
            {
                _pending.Add(read);
                Epochs.Add(epoch);
                Keys.Add(key);
            }
            return read.Task;
        }

        public void Complete(int index, int value) => _pending[index].SetResult(value);

        public void Fail(int index, Exception error) => _pending[index].SetException(error);
    }
}
