using ApiGateway.Gateway.Tests.Authentication;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// A workspace's limits as the gateway holds them: read once, kept until the change feed's <c>workspace:{id}</c> row is
/// polled, then read again; key changes and workspace changes evict only their own (real SQLite store and feed).
/// </summary>
public sealed class WorkspaceLimitsCacheTests
{
    private static readonly Actor Operator = new("adm_tests", "tests");

    [Fact]
    public async Task GetAsync_LimitsChangedInStore_KeptUntilTheFeedIsPolledThenReadAgain()
    {
        await using var h = await KeyCacheHarness.StartAsync();
        var none = await h.Workspaces.GetAsync("ws_acme");
        Assert.Null(none.Limits);
        Assert.Equal("ws:ws_acme", none.StateId);

        var set = await h.WorkspaceLimits.SetAsync("ws_acme", new WorkspaceLimitsSpec(null, new RateLimitOverride(5, 60), null), Operator, TestContext.Current.CancellationToken);
        var beforePoll = await h.Workspaces.GetAsync("ws_acme");
        await h.PollAsync();
        var afterPoll = await h.Workspaces.GetAsync("ws_acme");

        Assert.Same(none, beforePoll);
        Assert.Equal(set, afterPoll.Limits);
        Assert.Same(afterPoll, await h.Workspaces.GetAsync("ws_acme"));

        await h.WorkspaceLimits.RemoveAsync("ws_acme", Operator, TestContext.Current.CancellationToken);
        await h.PollAsync();
        Assert.Null((await h.Workspaces.GetAsync("ws_acme")).Limits);
    }

    [Fact]
    public async Task Poll_WorkspaceRow_EvictsThatWorkspaceOnly_NotKeysNorOtherWorkspaces()
    {
        await using var h = await KeyCacheHarness.StartAsync();
        var (_, hash) = await h.MintAsync();
        await h.PollAsync();
        await h.LookupAsync(hash);
        var other = await h.Workspaces.GetAsync("ws_other");
        var cachedKeys = h.Cache.Count;

        await h.WorkspaceLimits.SetAsync("ws_acme", new WorkspaceLimitsSpec("pro", null, null), Operator, TestContext.Current.CancellationToken);
        await h.PollAsync();

        Assert.Equal(cachedKeys, h.Cache.Count);
        Assert.Same(other, await h.Workspaces.GetAsync("ws_other"));
        Assert.Equal("pro", (await h.Workspaces.GetAsync("ws_acme")).Limits!.Tier);
    }
}
