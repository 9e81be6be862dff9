using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>The ledger over the limiter harness's real SQLite store and fake clock (12:00 UTC, 10 March 2026).</summary>
public sealed class QuotaLedgerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Load_StoreHoldsCounts_AddsTodaysAndThisMonthsToTheCell()
    {
        await using var h = await LimiterHarness.CreateAsync();
        await h.Store.AddQuotaUsageAsync(
            [new QuotaIncrement("lin_a", "d:2026-03-10", 3), new QuotaIncrement("lin_a", "d:2026-03-09", 50), new QuotaIncrement("lin_a", "m:2026-03", 7)], Ct);
        var (ledger, cells) = Ledger(h, h.Store);
        var cell = cells.GetOrAdd("lin_a");

        var loaded = ledger.Load(cell);
        await loaded;

        Assert.Same(loaded, ledger.Load(cell));
        Assert.Equal(3, cell.Day.Count);
        Assert.Equal(7, cell.Month.Count);
        Assert.Equal(0, cell.Day.Unflushed);
    }

    [Fact]
    public async Task Spend_ThenFlush_WritesEachPeriodOnce()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var (ledger, cells) = Ledger(h, h.Store);
        var cell = await LoadedAsync(ledger, cells, "lin_a");

        SpendNow(ledger, cell, h, times: 2);

        Assert.Equal(2, await ledger.FlushAsync(Ct));
        Assert.Equal(0, await ledger.FlushAsync(Ct));
        Assert.Equal(new Dictionary<string, long> { ["d:2026-03-10"] = 2, ["m:2026-03"] = 2 }, await h.StoredAsync("lin_a", "d:2026-03-10", "m:2026-03"));
        Assert.False(cell.Dirty);
    }

    [Fact]
    public async Task FlushAsync_CellStillLoading_KeepsItsDeltasUntilTheLoadHasReadTheStore()
    {
        await using var h = await LimiterHarness.CreateAsync();
        await h.Store.AddQuotaUsageAsync([new QuotaIncrement("lin_a", "d:2026-03-10", 5)], Ct);
        var gated = new GatedLoadStore(h.Store);
        var (ledger, cells) = Ledger(h, gated);
        var cell = cells.GetOrAdd("lin_a");
        var loaded = ledger.Load(cell);
        await gated.Reading.Task.WaitAsync(Ct);
        SpendNow(ledger, cell, h, times: 1); // a key without quota is decided before the load completes

        Assert.Equal(0, await ledger.FlushAsync(Ct));
        gated.Release.SetResult();
        await loaded;

        Assert.Equal(2, await ledger.FlushAsync(Ct));
        Assert.Equal(6, cell.Day.Count); // 5 stored + 1 spent: the load did not read this process's own delta back
        Assert.Equal(6, (await h.StoredAsync("lin_a", "d:2026-03-10"))["d:2026-03-10"]);
    }

    [Fact]
    public async Task FlushAsync_StoreFails_PutsCurrentDeltasBackAndCarriesTheDayThatEnded()
    {
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 3, 10, 23, 59, 59, TimeSpan.Zero));
        var failing = new FailingStore(h.Store);
        var (ledger, cells) = Ledger(h, failing);
        var cell = await LoadedAsync(ledger, cells, "lin_a");
        SpendNow(ledger, cell, h, times: 3);
        Assert.False(ledger.HasCarried);

        h.Clock.Advance(TimeSpan.FromSeconds(2));
        SpendNow(ledger, cell, h, times: 1); // the day moves on: its 3 unflushed wait in the carried map

        Assert.True(ledger.HasCarried);
        Assert.Equal(0, await ledger.FlushAsync(Ct));
        Assert.Equal(0, await ledger.FlushAsync(Ct));
        Assert.True(ledger.HasCarried);
        Assert.Equal(3, ledger.PendingDeltas); // d:03-10 carried; d:03-11 and m:2026-03 back in the cell

        failing.Fail = false;
        Assert.Equal(3, await ledger.FlushAsync(Ct));
        Assert.False(ledger.HasCarried);
        Assert.Equal(0, ledger.PendingDeltas);
        Assert.Equal(
            new Dictionary<string, long> { ["d:2026-03-10"] = 3, ["d:2026-03-11"] = 1, ["m:2026-03"] = 4 },
            await h.StoredAsync("lin_a", "d:2026-03-10", "d:2026-03-11", "m:2026-03"));
    }

    [Fact]
    public async Task SharedCounts_AfterFallbackSpends_ReportsSpentAndUnmergedUntilRedisHasSeenThem()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var (ledger, cells) = Ledger(h, h.Store);
        var cell = await LoadedAsync(ledger, cells, "lin_a");
        var calendar = UtcCalendar.At(h.Clock.GetUtcNow().UtcTicks);
        using (cell.Enter())
        {
            ledger.Spend(cell, calendar, byFallback: true, units: 1);
            ledger.Spend(cell, calendar, byFallback: true, units: 1);
        }

        var sent = QuotaLedger.SharedCounts(cell, calendar);
        Assert.Equal(new SharedQuotaSync(2, 2, 2, 2), sent);

        // Redis merged both and admitted one more: 10 in its counters.
        ledger.EndShared(cell, "lin_a", calendar, sent, admitted: true, units: 1, dayCount: 10, monthCount: 10);

        Assert.Equal(new SharedQuotaSync(10, 10, 0, 0), QuotaLedger.SharedCounts(cell, calendar));
        Assert.Equal(3, cell.Day.Unflushed); // every admission reaches the store, Redis's too
    }

    [Fact]
    public async Task SharedCounts_LaterPeriodThanTheCell_ReportsNothingSpent()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var (ledger, cells) = Ledger(h, h.Store);
        var cell = await LoadedAsync(ledger, cells, "lin_a");
        SpendNow(ledger, cell, h, times: 1);

        var tomorrow = UtcCalendar.At(h.Clock.GetUtcNow().AddDays(1).UtcTicks);

        Assert.Equal(new SharedQuotaSync(0, 1, 0, 0), QuotaLedger.SharedCounts(cell, tomorrow));
    }

    [Fact]
    public async Task EndShared_CellEvictedDuringTheCall_RecordsTheAdmissionOnANewCell()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var (ledger, cells) = Ledger(h, h.Store);
        var policy = new RateLimitPolicy("p", 10, 60, 100, null);
        var cell = await ledger.BeginSharedAsync("lin_a", policy, Ct);
        var calendar = UtcCalendar.At(h.Clock.GetUtcNow().UtcTicks);
        var sent = QuotaLedger.SharedCounts(cell, calendar);
        cell.LastSeen = long.MinValue / 2;
        Assert.Equal(1, cells.EvictIdle(h.Clock.GetUtcNow().UtcTicks, 0));

        ledger.EndShared(cell, "lin_a", calendar, sent, admitted: true, units: 1, dayCount: 1, monthCount: 1);
        await cells.GetOrAdd("lin_a").Loaded!;

        Assert.NotSame(cell, cells.GetOrAdd("lin_a"));
        Assert.Equal(2, await ledger.FlushAsync(Ct));
        Assert.Equal(1, (await h.StoredAsync("lin_a", "d:2026-03-10"))["d:2026-03-10"]);
    }

    private static (QuotaLedger Ledger, LineageCells Cells) Ledger(LimiterHarness h, IUsageStore store)
    {
        var cells = new LineageCells();
        return (new QuotaLedger(store, h.Clock, cells, new CalendarCache(h.Clock), NullLogger.Instance), cells);
    }

    private static async Task<LineageCell> LoadedAsync(QuotaLedger ledger, LineageCells cells, string lineageId)
    {
        var cell = cells.GetOrAdd(lineageId);
        await ledger.Load(cell);
        return cell;
    }

    private static void SpendNow(QuotaLedger ledger, LineageCell cell, LimiterHarness h, int times)
    {
        var calendar = UtcCalendar.At(h.Clock.GetUtcNow().UtcTicks);
        using (cell.Enter())
        {
            for (var i = 0; i < times; i++)
            {
                ledger.Spend(cell, calendar, byFallback: false, units: 1);
            }
        }
    }

    /// <summary>Holds the first quota read until <see cref="Release"/>; <see cref="Reading"/> completes when it starts.</summary>
    private sealed class GatedLoadStore(IUsageStore inner) : DelegatingUsageStore(inner)
    {
        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(
            string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken)
        {
            Reading.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return await base.GetQuotaUsageAsync(lineageId, periods, cancellationToken);
        }
    }

    private sealed class FailingStore(IUsageStore inner) : DelegatingUsageStore(inner)
    {
        public bool Fail { get; set; } = true;

        public override Task AddQuotaUsageAsync(IReadOnlyCollection<QuotaIncrement> increments, CancellationToken cancellationToken) =>
            Fail ? throw new IOException("store down") : base.AddQuotaUsageAsync(increments, cancellationToken);
    }

    private abstract class DelegatingUsageStore(IUsageStore inner) : IUsageStore
    {
        public virtual Task AddQuotaUsageAsync(IReadOnlyCollection<QuotaIncrement> increments, CancellationToken cancellationToken) =>
            inner.AddQuotaUsageAsync(increments, cancellationToken);

        public virtual Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken) =>
            inner.GetQuotaUsageAsync(lineageId, periods, cancellationToken);

        public Task RecordUsageAsync(IReadOnlyCollection<UsageIncrement> increments, CancellationToken cancellationToken) =>
            inner.RecordUsageAsync(increments, cancellationToken);

        public Task<IReadOnlyDictionary<string, KeyUsage>> GetUsageAsync(IReadOnlyCollection<string> keyIds, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.GetUsageAsync(keyIds, now, cancellationToken);

        public Task<int> PruneUsageAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
            inner.PruneUsageAsync(before, cancellationToken);

        public Task<IReadOnlyList<UsageRow>> QueryUsageAsync(UsageQuery query, CancellationToken cancellationToken) =>
            inner.QueryUsageAsync(query, cancellationToken);
    }
}
