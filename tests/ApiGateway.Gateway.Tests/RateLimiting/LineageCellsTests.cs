using ApiGateway.Gateway.RateLimiting;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class LineageCellsTests
{
    private const long Now = 1_000_000_000;
    private const long Idle = 90 * TimeSpan.TicksPerSecond;

    [Fact]
    public void GetOrAdd_SameLineage_ReturnsTheSameCell()
    {
        var cells = new LineageCells();

        var cell = cells.GetOrAdd("lin_a");

        Assert.Same(cell, cells.GetOrAdd("lin_a"));
        Assert.NotSame(cell, cells.GetOrAdd("lin_b"));
        Assert.Equal(2, cells.Count);
        Assert.True(cells.TryGet("lin_a", out var found));
        Assert.Same(cell, found);
        Assert.False(cells.TryGet("lin_c", out _));
    }

    [Fact]
    public void EvictIdle_IdleFullLoadedAndFlushed_RemovesAndMarksTheCell()
    {
        var cells = new LineageCells();
        var cell = EvictableCell(cells, "lin_a");

        Assert.Equal(1, cells.EvictIdle(Now, Idle));

        Assert.True(cell.Evicted);
        Assert.Equal(0, cells.Count);
        Assert.NotSame(cell, cells.GetOrAdd("lin_a"));
    }

    public static TheoryData<string> Keepers() => ["dirty", "loading", "bucket not full", "used recently", "day unmerged", "month unmerged"];

    [Theory]
    [MemberData(nameof(Keepers))]
    public void EvictIdle_StateARequestCouldNotRebuild_KeepsTheCell(string reason)
    {
        var cells = new LineageCells();
        var cell = EvictableCell(cells, "lin_a");
        switch (reason)
        {
            case "dirty": cell.Dirty = true; break;
            case "loading": cell.Loaded = new TaskCompletionSource().Task; break;
            case "bucket not full": cell.Tat = Now + 1; break;
            case "used recently": cell.LastSeen = Now - Idle + 1; break;
            case "day unmerged": cell.Day.Unmerged = 1; break;
            case "month unmerged": cell.Month.Unmerged = 1; break;
        }

        Assert.Equal(0, cells.EvictIdle(Now, Idle));

        Assert.False(cell.Evicted);
        Assert.Same(cell, cells.GetOrAdd("lin_a"));
    }

    [Fact]
    public void EvictIdle_Mixed_EvictsOnlyTheIdleOnes()
    {
        var cells = new LineageCells();
        EvictableCell(cells, "lin_idle");
        EvictableCell(cells, "lin_busy").LastSeen = Now;

        Assert.Equal(1, cells.EvictIdle(Now, Idle));

        Assert.False(cells.TryGet("lin_idle", out _));
        Assert.True(cells.TryGet("lin_busy", out _));
    }

    private static LineageCell EvictableCell(LineageCells cells, string lineageId)
    {
        var cell = cells.GetOrAdd(lineageId);
        cell.Loaded = Task.CompletedTask;
        cell.Tat = Now;
        cell.LastSeen = Now - Idle;
        return cell;
    }
}
