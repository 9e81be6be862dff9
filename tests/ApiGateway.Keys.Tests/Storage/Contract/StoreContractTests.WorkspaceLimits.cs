using System.Text.Json;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Keys.Tests.Storage.Contract;

/// <summary>Workspace limits (WorkspaceLimitsService, IWorkspaceLimitsStore, migration 9) on every provider.</summary>
public abstract partial class StoreContractTests
{
    private static readonly WorkspaceLimitsSpec PooledLimits = new("pro", new RateLimitOverride(1000, 60), new QuotaOverride(50_000, null));

    [Fact]
    public async Task WorkspaceLimits_Set_StoredWithAuditEventAndChangeFeedRow()
    {
        var store = await OpenAsync();
        var before = await store.Feed.GetLatestSequenceAsync(Ct);

        var set = await store.WorkspaceLimits.SetAsync("ws_acme", PooledLimits, Operator, Ct);

        var stored = await store.WorkspaceLimitsStore.GetAsync("ws_acme", Ct);
        Assert.Equal(set, stored);
        Assert.Equal(("pro", new RateLimitOverride(1000, 60), new QuotaOverride(50_000, null)), (stored!.Tier, stored.RateLimit, stored.Quota));
        Assert.Equal((Clock.GetUtcNow(), Operator.Id), (stored.UpdatedAt, stored.UpdatedBy));
        var audit = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.WorkspaceLimitsUpdated, 10, 0), Ct)).Items);
        Assert.Null(audit.KeyId);
        using var details = JsonDocument.Parse(audit.Details!);
        Assert.Equal("ws_acme", details.RootElement.GetProperty("workspaceId").GetString());
        Assert.Equal(1000, details.RootElement.GetProperty("rateLimit").GetProperty("limit").GetInt32());
        var change = Assert.Single(await store.Feed.ReadAsync(before, 10, Ct));
        Assert.Equal("workspace:ws_acme", change.KeyId);
        Assert.Null(await store.WorkspaceLimitsStore.GetAsync("ws_other", Ct));
    }

    [Fact]
    public async Task WorkspaceLimits_SetSameAgain_WritesNothing_ChangedLimitsReplaceThem()
    {
        var store = await OpenAsync();
        var first = await store.WorkspaceLimits.SetAsync("ws_acme", PooledLimits, Operator, Ct);
        var sequence = await store.Feed.GetLatestSequenceAsync(Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var again = await store.WorkspaceLimits.SetAsync("ws_acme", PooledLimits with { }, new Actor("adm_other", "other"), Ct);

        Assert.Equal(first, again);
        Assert.Equal(sequence, await store.Feed.GetLatestSequenceAsync(Ct));
        Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.WorkspaceLimitsUpdated, 10, 0), Ct)).Items);

        var changed = await store.WorkspaceLimits.SetAsync("ws_acme", new WorkspaceLimitsSpec(null, null, new QuotaOverride(null, 9)), new Actor("adm_other", "other"), Ct);

        Assert.Equal(changed, await store.WorkspaceLimitsStore.GetAsync("ws_acme", Ct));
        Assert.Null(changed.Tier);
        Assert.Null(changed.RateLimit);
        Assert.Equal(new QuotaOverride(null, 9), changed.Quota);
        Assert.Equal(("adm_other", Clock.GetUtcNow()), (changed.UpdatedBy, changed.UpdatedAt));
        Assert.Equal(2, (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.WorkspaceLimitsUpdated, 10, 0), Ct)).Total);
    }

    [Fact]
    public async Task WorkspaceLimits_Remove_OnceAuditedWithFeedRow_ThenIdempotent()
    {
        var store = await OpenAsync();
        await store.WorkspaceLimits.SetAsync("ws_acme", PooledLimits, Operator, Ct);
        var sequence = await store.Feed.GetLatestSequenceAsync(Ct);

        Assert.True(await store.WorkspaceLimits.RemoveAsync("ws_acme", Operator, Ct));
        Assert.False(await store.WorkspaceLimits.RemoveAsync("ws_acme", Operator, Ct));

        Assert.Null(await store.WorkspaceLimitsStore.GetAsync("ws_acme", Ct));
        var removed = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.WorkspaceLimitsRemoved, 10, 0), Ct)).Items);
        Assert.Null(removed.KeyId);
        Assert.Equal("""{"workspaceId":"ws_acme"}""", removed.Details);
        Assert.Equal(["workspace:ws_acme"], (await store.Feed.ReadAsync(sequence, 10, Ct)).Select(c => c.KeyId));
    }

    [Fact]
    public async Task WorkspaceLimits_List_WorkspaceOrderWithTotalAndKeysetCursor()
    {
        var store = await OpenAsync();
        foreach (var workspace in new[] { "ws_c", "ws_a", "ws_b" })
        {
            await store.WorkspaceLimits.SetAsync(workspace, PooledLimits, Operator, Ct);
        }

        var first = await store.WorkspaceLimitsStore.ListAsync(new WorkspaceLimitsQuery(2, 0), Ct);
        var second = await store.WorkspaceLimitsStore.ListAsync(new WorkspaceLimitsQuery(2, 0) { After = first.Next }, Ct);
        var offset = await store.WorkspaceLimitsStore.ListAsync(new WorkspaceLimitsQuery(2, 2), Ct);

        Assert.Equal(["ws_a", "ws_b"], first.Items.Select(l => l.WorkspaceId));
        Assert.Equal((3, "ws_b"), (first.Total, first.Next));
        Assert.Equal(["ws_c"], second.Items.Select(l => l.WorkspaceId));
        Assert.Equal(3, second.Total);
        Assert.Null(second.Next);
        Assert.Equal(["ws_c"], offset.Items.Select(l => l.WorkspaceId));
    }

    /// <summary>
    /// Two admins setting one workspace's limits at once take turns under the workspace's lock: the second sees the first's
    /// committed row as current, so it neither loses the first's audit nor writes a duplicate of its own limits.
    /// </summary>
    [Fact]
    public async Task WorkspaceLimits_ConcurrentSameSet_SecondWaitsAndWritesNothing()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var pause = new PausingHook();
        WaitingDialect? waiting = null;
        var holder = Service(first, [pause]);
        var racer = Service(second, [], d => waiting = new WaitingDialect(d, waitsAtBegin: Provider == "sqlite"));

        // The first has written its row and audit and holds its transaction open.
        var holding = holder.SetAsync("ws_acme", PooledLimits, Operator, Ct);
        await pause.Reached.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        // The second reads the current limits before the first commits, unless the workspace's lock makes it wait
        // (on a thread of its own: SQLite's begin blocks its caller while it waits for the write lock).
        var racing = Task.Run(() => racer.SetAsync("ws_acme", PooledLimits, new Actor("adm_other", "other"), Ct), Ct);
        await waiting!.Waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        pause.Release();
        var (held, raced) = (await holding, await racing);

        Assert.Equal(held, raced);
        Assert.Equal(Operator.Id, raced.UpdatedBy);
        Assert.Single((await first.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.WorkspaceLimitsUpdated, 10, 0), Ct)).Items);
    }

    private WorkspaceLimitsService Service(StoreHarness store, IKeyMutationHook[] hooks, Func<IStoreDialect, IStoreDialect>? wrapDialect = null)
    {
        var dialect = store.Services.GetRequiredService<IStoreDialect>();
        return new WorkspaceLimitsService(new KeyWriteStore(wrapDialect is null ? dialect : wrapDialect(dialect), Clock), hooks, [], Clock,
            NullLogger<WorkspaceLimitsService>.Instance);
    }
}
