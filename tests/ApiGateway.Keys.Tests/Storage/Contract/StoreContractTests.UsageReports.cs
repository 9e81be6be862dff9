using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Tests.Storage.Contract;

/// <summary>Hourly usage with cost units and refusals (IUsageStore.RecordUsageAsync, QueryUsageAsync) on every provider.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Usage_UnitsAndRefused_AddUpAcrossBatchesAndGateways()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var key = (await first.MintAsync(StoreHarness.Spec("a", "ws_1"), Ct)).Key;
        var hour = UsageHours.Start(Start);
        await first.Usage.RecordUsageAsync([new(key.Id, hour, 3, Start, Units: 15, Refused: 1), new(key.Id, hour, 2, Start, Units: 2, Refused: 0)], Ct);
        await second.Usage.RecordUsageAsync([new(key.Id, hour, 4, Start, Units: 0, Refused: 4)], Ct);

        var rows = await first.Usage.QueryUsageAsync(new UsageQuery(hour, hour.AddHours(1), UsageGranularity.Hour), Ct);

        Assert.Equal([new UsageRow(hour, "ws_1", key.Id, 9, 17, 5)], rows);
        // The trailing-window usage of key pages still counts requests.
        Assert.Equal(new KeyUsage(9, 9, 9), (await first.Usage.GetUsageAsync([key.Id], Start, Ct))[key.Id]);
    }

    [Fact]
    public async Task Usage_Query_BucketsGroupsFiltersAndOrders()
    {
        var store = await OpenAsync();
        var b = (await store.MintAsync(StoreHarness.Spec("b", "ws_1"), Ct)).Key;
        var a = (await store.MintAsync(StoreHarness.Spec("a", "ws_1"), Ct)).Key;
        var c = (await store.MintAsync(StoreHarness.Spec("c", "ws_0"), Ct)).Key;
        var (lo, hi) = string.CompareOrdinal(a.Id, b.Id) < 0 ? (a, b) : (b, a);
        var day1 = Start;                   // 2026-01-01
        var day2 = Start.AddDays(1);
        await store.Usage.RecordUsageAsync(
        [
            new(a.Id, day1.AddHours(1), 1, day1, 1, 0),
            new(a.Id, day1.AddHours(23), 2, day1, 10, 1),
            new(b.Id, day1.AddHours(1), 4, day1, 4, 0),
            new(c.Id, day1.AddHours(5), 8, day1, 16, 2),
            new(a.Id, day2, 16, day2, 32, 0),
            new(a.Id, day2.AddDays(1), 32, day2, 64, 0),           // outside [day1, day2 + 1d)
            new(a.Id, day1.AddHours(-1), 64, day1, 64, 0),         // before from
            new("key_unknown", day1.AddHours(1), 128, day1, 1, 0), // no such key: not reported
        ], Ct);
        var to = day2.AddDays(1);

        var hourly = await store.Usage.QueryUsageAsync(new UsageQuery(day1, to, UsageGranularity.Hour), Ct);
        Assert.Equal(
        [
            new UsageRow(day1.AddHours(1), "ws_1", lo.Id, lo == a ? 1 : 4, lo == a ? 1 : 4, 0),
            new UsageRow(day1.AddHours(1), "ws_1", hi.Id, hi == a ? 1 : 4, hi == a ? 1 : 4, 0),
            new UsageRow(day1.AddHours(5), "ws_0", c.Id, 8, 16, 2),
            new UsageRow(day1.AddHours(23), "ws_1", a.Id, 2, 10, 1),
            new UsageRow(day2, "ws_1", a.Id, 16, 32, 0),
        ], hourly);

        var daily = await store.Usage.QueryUsageAsync(new UsageQuery(day1, to), Ct);
        Assert.Equal(
            new[]
            {
                new UsageRow(day1, "ws_1", a.Id, 3, 11, 1),
                new UsageRow(day1, "ws_1", b.Id, 4, 4, 0),
                new UsageRow(day1, "ws_0", c.Id, 8, 16, 2),
                new UsageRow(day2, "ws_1", a.Id, 16, 32, 0),
            }.OrderBy(r => r.Start).ThenBy(r => r.KeyId, StringComparer.Ordinal),
            daily);

        var byWorkspace = await store.Usage.QueryUsageAsync(new UsageQuery(day1, to, UsageGranularity.Day, UsageGrouping.Workspace), Ct);
        Assert.Equal(
        [
            new UsageRow(day1, "ws_0", null, 8, 16, 2),
            new UsageRow(day1, "ws_1", null, 7, 15, 1),
            new UsageRow(day2, "ws_1", null, 16, 32, 0),
        ], byWorkspace);

        Assert.Equal(
            [new UsageRow(day1, "ws_0", null, 8, 16, 2)],
            await store.Usage.QueryUsageAsync(new UsageQuery(day1, to, UsageGranularity.Day, UsageGrouping.Workspace, WorkspaceId: "ws_0"), Ct));
        Assert.Equal(
            [new UsageRow(day1.AddHours(23), "ws_1", a.Id, 2, 10, 1)],
            await store.Usage.QueryUsageAsync(new UsageQuery(day1.AddHours(2), day2, UsageGranularity.Hour, KeyId: a.Id), Ct));
        Assert.Empty(await store.Usage.QueryUsageAsync(new UsageQuery(day1, to, KeyId: a.Id, WorkspaceId: "ws_0"), Ct));
        Assert.Empty(await store.Usage.QueryUsageAsync(new UsageQuery(day1.AddHours(2), day1.AddHours(5), UsageGranularity.Hour), Ct));
    }
}
