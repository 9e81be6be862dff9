using ApiGateway.Gateway.Usage;

namespace ApiGateway.Gateway.Tests.Usage;

/// <summary>
/// The pending rows of an hourly counter: what a failed write keeps, merged into the next one, bounded by dropping the
/// oldest hours, one flush at a time. Slots are (name, hour); rows are counts merged by adding.
/// </summary>
public sealed class PendingRowsTests
{
    private readonly List<string> _log = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private PendingRows<(string Name, long Hour), long> Create(int maxRows = 100) =>
        new(maxRows, slot => slot.Hour, (kept, counted) => kept + counted,
            new PendingRowsLog(count => _log.Add($"flushed {count}"), (count, _) => _log.Add($"failed {count}"), count => _log.Add($"dropped {count}")));

    private static Func<IEnumerable<KeyValuePair<(string, long), long>>> Counted(params ((string, long) Slot, long Count)[] rows) =>
        () => rows.Select(r => KeyValuePair.Create(r.Slot, r.Count));

    private static Task Refuse(IReadOnlyCollection<KeyValuePair<(string, long), long>> rows, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("database is locked");

    [Fact]
    public async Task FlushAsync_WriteFailed_RowsKeptAndMergedIntoTheNextWrite()
    {
        var pending = Create();
        Dictionary<(string, long), long>? written = null;

        Assert.Equal(0, await pending.FlushAsync(Counted((("a", 10), 2)), Refuse, Ct));
        Assert.Equal(1, pending.Count);
        var count = await pending.FlushAsync(Counted((("a", 10), 3), (("b", 10), 1)), (rows, _) =>
        {
            written = rows.ToDictionary();
            return Task.CompletedTask;
        }, Ct);

        Assert.Equal(2, count);
        Assert.Equal(new Dictionary<(string, long), long> { [("a", 10)] = 5, [("b", 10)] = 1 }, written);
        Assert.Equal(0, pending.Count);
        Assert.Equal(["failed 1", "flushed 2"], _log);
    }

    [Fact]
    public async Task FlushAsync_FailedPastTheBound_DropsTheOldestHoursWhateverTheOrderCounted()
    {
        var pending = Create(maxRows: 2);

        await pending.FlushAsync(Counted((("a", 12), 1), (("a", 10), 1), (("b", 11), 1), (("b", 13), 1)), Refuse, Ct);

        Assert.Equal(2, pending.Count);
        IReadOnlyCollection<KeyValuePair<(string, long), long>>? kept = null;
        await pending.FlushAsync(Counted(), (rows, _) =>
        {
            kept = [.. rows];
            return Task.CompletedTask;
        }, Ct);
        Assert.Equal([("a", 12), ("b", 13)], kept!.Select(r => r.Key).Order());
        Assert.Equal(["failed 4", "dropped 2", "flushed 2"], _log);
    }

    [Fact]
    public async Task FlushAsync_NothingCounted_NeverCallsTheStore()
    {
        var pending = Create();

        var count = await pending.FlushAsync(Counted(), (_, _) => throw new InvalidOperationException("not expected"), Ct);

        Assert.Equal(0, count);
        Assert.Empty(_log);
    }

    /// <summary>A store timeout surfaces as a cancellation that nobody asked for: a failed write like any other, never thrown to the flush loop.</summary>
    [Fact]
    public async Task FlushAsync_StoreTimedOut_AFailedWriteNotACancellation()
    {
        var pending = Create();

        var count = await pending.FlushAsync(Counted((("a", 10), 1)), (_, _) => throw new TaskCanceledException("command timeout"), Ct);

        Assert.Equal(0, count);
        Assert.Equal(1, pending.Count);
        Assert.Equal(["failed 1"], _log);
    }

    /// <summary>Shutdown cancelling a write propagates (the host is stopping) and keeps the rows for the final flush.</summary>
    [Fact]
    public async Task FlushAsync_CancelledByTheCaller_ThrowsKeepsTheRowsAndFreesTheLock()
    {
        var pending = Create();
        using var stopping = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.FlushAsync(Counted((("a", 10), 1)), async (_, token) =>
        {
            await stopping.CancelAsync();
            token.ThrowIfCancellationRequested();
        }, stopping.Token));

        Assert.Equal(1, pending.Count);
        Assert.Equal(1, await pending.FlushAsync(Counted(), (_, _) => Task.CompletedTask, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(["flushed 1"], _log);
    }

    /// <summary>A second flush (the shutdown one, say) waits for the running one: it neither takes nor writes the same rows twice.</summary>
    [Fact]
    public async Task FlushAsync_WhileAnotherWrites_WaitsForItBeforeTaking()
    {
        var pending = Create();
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writes = new List<long>();
        var takes = 0;

        var first = pending.FlushAsync(() =>
        {
            takes++;
            return [KeyValuePair.Create(("a", 10L), 1L)];
        }, async (rows, _) =>
        {
            writing.SetResult();
            await release.Task;
            writes.Add(rows.Sum(r => r.Value));
        }, Ct);
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var second = pending.FlushAsync(() =>
        {
            takes++;
            return [KeyValuePair.Create(("a", 10L), 2L)];
        }, (rows, _) =>
        {
            writes.Add(rows.Sum(r => r.Value));
            return Task.CompletedTask;
        }, Ct);

        Assert.False(second.IsCompleted);
        Assert.Equal(1, takes);
        release.SetResult();
        var counts = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal([1, 1], counts);
        Assert.Equal([1L, 2L], writes);
    }
}
