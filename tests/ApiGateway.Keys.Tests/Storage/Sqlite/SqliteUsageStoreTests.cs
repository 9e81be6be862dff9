using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

public sealed class SqliteUsageStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecordUsageAsync_Batches_AddUpAndMoveLastUsedForward()
    {
        using var store = await TestStore.CreateAsync();
        var key = (await store.MintAsync()).Key;
        var hour = UsageHours.Start(TestStore.Start);

        await store.Usage.RecordUsageAsync([new UsageIncrement(key.Id, hour, 3, TestStore.Start.AddMinutes(10))], Ct);
        await store.Usage.RecordUsageAsync(
        [
            new UsageIncrement(key.Id, hour, 4, TestStore.Start.AddMinutes(20)),
            new UsageIncrement(key.Id, hour, 1, TestStore.Start.AddMinutes(15)),
        ], Ct);
        // A late batch with an older last use never moves lastUsedAt back.
        await store.Usage.RecordUsageAsync([new UsageIncrement(key.Id, hour, 2, TestStore.Start.AddMinutes(5))], Ct);

        var usage = await store.Usage.GetUsageAsync([key.Id], TestStore.Start.AddMinutes(30), Ct);
        Assert.Equal(new KeyUsage(10, 10, 10), usage[key.Id]);
        Assert.Equal(TestStore.Start.AddMinutes(20), (await store.Keys.GetAsync(key.Id, Ct))!.LastUsedAt);
    }

    [Fact]
    public async Task RecordUsageAsync_Empty_DoesNothing()
    {
        using var store = await TestStore.CreateAsync();
        await store.Usage.RecordUsageAsync([], Ct);
        Assert.Empty(await store.Usage.GetUsageAsync([], TestStore.Start, Ct));
    }

    [Fact]
    public async Task GetUsageAsync_Windows_CountWholeHourBuckets()
    {
        using var store = await TestStore.CreateAsync();
        var key = (await store.MintAsync()).Key;
        var now = TestStore.Start.AddDays(40).AddMinutes(30);
        var hour = UsageHours.Start(now);
        await store.Usage.RecordUsageAsync(
        [
            new UsageIncrement(key.Id, hour, 1, now),                         // this hour
            new UsageIncrement(key.Id, hour.AddHours(-23), 2, now),           // oldest hour of the last 24
            new UsageIncrement(key.Id, hour.AddHours(-24), 4, now),           // just outside 24h
            new UsageIncrement(key.Id, hour.AddDays(-7).AddHours(1), 8, now), // oldest hour of the last 7 days
            new UsageIncrement(key.Id, hour.AddDays(-7), 16, now),            // just outside 7 days
            new UsageIncrement(key.Id, hour.AddDays(-30).AddHours(1), 32, now),
            new UsageIncrement(key.Id, hour.AddDays(-30), 64, now),           // just outside 30 days
        ], Ct);

        var usage = await store.Usage.GetUsageAsync([key.Id, "key_unused"], now, Ct);

        Assert.Equal(new KeyUsage(1 + 2, 1 + 2 + 4 + 8, 1 + 2 + 4 + 8 + 16 + 32), usage[key.Id]);
        Assert.False(usage.ContainsKey("key_unused"));
    }

    [Fact]
    public async Task GetUsageAsync_SeveralKeys_KeptApart()
    {
        using var store = await TestStore.CreateAsync();
        var a = (await store.MintAsync()).Key;
        var b = (await store.MintAsync()).Key;
        var hour = UsageHours.Start(TestStore.Start);
        await store.Usage.RecordUsageAsync([new UsageIncrement(a.Id, hour, 5, TestStore.Start), new UsageIncrement(b.Id, hour, 7, TestStore.Start)], Ct);

        var usage = await store.Usage.GetUsageAsync([a.Id, b.Id], TestStore.Start, Ct);

        Assert.Equal(5, usage[a.Id].Last24h);
        Assert.Equal(7, usage[b.Id].Last24h);
    }

    [Fact]
    public async Task PruneUsageAsync_Cutoff_DeletesOlderRowsOnly()
    {
        using var store = await TestStore.CreateAsync();
        var key = (await store.MintAsync()).Key;
        var hour = UsageHours.Start(TestStore.Start.AddDays(60));
        await store.Usage.RecordUsageAsync(
        [
            new UsageIncrement(key.Id, hour.AddDays(-40), 1, hour),
            new UsageIncrement(key.Id, hour.AddDays(-35), 1, hour),
            new UsageIncrement(key.Id, hour.AddDays(-30), 1, hour),
            new UsageIncrement(key.Id, hour.AddDays(-29), 1, hour),
            new UsageIncrement(key.Id, hour, 1, hour),
        ], Ct);

        Assert.Equal(3, await store.Usage.PruneUsageAsync(hour.AddDays(-30).AddMinutes(1), Ct));
        Assert.Equal(0, await store.Usage.PruneUsageAsync(hour.AddDays(-30).AddMinutes(1), Ct));
        Assert.Equal(2, (await store.Usage.GetUsageAsync([key.Id], hour, Ct))[key.Id].Last30d);
    }

    [Fact]
    public async Task AddQuotaUsageAsync_Increments_AccumulatePerLineageAndPeriod()
    {
        using var store = await TestStore.CreateAsync();
        await store.Usage.AddQuotaUsageAsync(
        [
            new QuotaIncrement("lin_a", "d:2026-01-01", 3),
            new QuotaIncrement("lin_a", "m:2026-01", 3),
            new QuotaIncrement("lin_b", "d:2026-01-01", 100),
        ], Ct);
        await store.Usage.AddQuotaUsageAsync([new QuotaIncrement("lin_a", "d:2026-01-01", 2), new QuotaIncrement("lin_a", "m:2026-01", 2)], Ct);
        await store.Usage.AddQuotaUsageAsync([], Ct);

        var spent = await store.Usage.GetQuotaUsageAsync("lin_a", ["d:2026-01-01", "m:2026-01"], Ct);

        Assert.Equal(5, spent["d:2026-01-01"]);
        Assert.Equal(5, spent["m:2026-01"]);
        Assert.Equal(100, (await store.Usage.GetQuotaUsageAsync("lin_b", ["d:2026-01-01"], Ct))["d:2026-01-01"]);
    }

    [Fact]
    public async Task GetQuotaUsageAsync_PeriodNeverSpent_IsZero()
    {
        using var store = await TestStore.CreateAsync();
        await store.Usage.AddQuotaUsageAsync([new QuotaIncrement("lin_a", "d:2026-01-01", 3)], Ct);

        var spent = await store.Usage.GetQuotaUsageAsync("lin_a", ["d:2026-01-02", "m:2026-01"], Ct);

        Assert.Equal(0, spent["d:2026-01-02"]);
        Assert.Equal(0, spent["m:2026-01"]);
        Assert.Equal(0, (await store.Usage.GetQuotaUsageAsync("lin_unknown", ["d:2026-01-01"], Ct))["d:2026-01-01"]);
    }
}
