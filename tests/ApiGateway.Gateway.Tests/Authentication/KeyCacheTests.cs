using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>
/// The cache/poller protocol under controlled interleavings: a lookup that read the store before a change and finishes
/// after the poller applied it must never be cached; cached answers are re-read after Auth:MaxCacheAgeSeconds; a feed
/// that goes backwards (a restored database) clears the cache.
/// </summary>
public sealed class KeyCacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static KeyStatus? StatusOf(KeyLookup lookup, KeyCacheHarness harness) => lookup.Entry?.Key.StatusAt(harness.Clock.GetUtcNow());

    [Fact]
    public async Task Lookup_ReadBeforeRevokeFinishingWhileThePollDrainsAFullPage_IsNotCached()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        var (key, hash) = await harness.MintAsync();
        await harness.PollAsync();

        // 1. A lookup reads the key (still active) and is held before it reaches the cache.
        var lookupGate = harness.Store.GateNextLookup();
        var lookup = harness.LookupAsync(hash);
        await lookupGate.Reached.WaitAsync(Ct);

        // 2. The key is revoked; enough other changes follow that the poll needs a second page.
        await harness.Store.RevokeAsync(key.Id, KeyCacheHarness.TestActor, Ct);
        await harness.AppendUnrelatedChangesAsync(600);

        // 3. The poll evicts the key from its first page and is held reading the second.
        var pageGate = harness.Feed.GateRead(2);
        var poll = harness.PollAsync();
        await pageGate.Reached.WaitAsync(Ct);

        // 4. The old row lands in the cache inside that gap; then the poll ends.
        lookupGate.Open();
        await lookup.WaitAsync(Ct);
        pageGate.Open();
        await poll.WaitAsync(Ct);

        var after = await harness.LookupAsync(hash);
        Assert.Equal(KeyLookupStatus.Found, after.Status);
        Assert.Equal(KeyStatus.Revoked, StatusOf(after, harness));
    }

    [Fact]
    public async Task Lookup_MissReadBeforeTheKeyWasStoredFinishingAfterThePoll_DoesNotHideTheKey()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        const string Secret = "imported_0123456789abcdefghijklmnopqrstuvwxyz";
        var hash = harness.Hasher.Hash(Secret);

        var lookupGate = harness.Store.GateNextLookup();
        var lookup = harness.LookupAsync(hash);
        await lookupGate.Reached.WaitAsync(Ct);
        await harness.StoreKnownSecretAsync(Secret);
        await harness.PollAsync();
        lookupGate.Open();
        Assert.Equal(KeyLookupStatus.Unknown, (await lookup.WaitAsync(Ct)).Status);

        Assert.Equal(KeyLookupStatus.Found, (await harness.LookupAsync(hash)).Status);
    }

    [Fact]
    public async Task Lookup_ChangeTheFeedDoesNotShow_ReReadAfterMaxCacheAge()
    {
        await using var harness = await KeyCacheHarness.StartAsync(o => o.MaxCacheAgeSeconds = 60);
        var (key, hash) = await harness.MintAsync();
        await harness.PollAsync();
        Assert.Equal(KeyStatus.Active, StatusOf(await harness.LookupAsync(hash), harness));
        await harness.RevokeBehindTheFeedAsync(key.Id);

        // The feed keeps being followed, so only the age bound can notice.
        harness.Clock.Advance(TimeSpan.FromSeconds(59));
        await harness.PollAsync();
        var lookups = harness.Store.Lookups;
        Assert.Equal(KeyStatus.Active, StatusOf(await harness.LookupAsync(hash), harness));
        Assert.Equal(lookups, harness.Store.Lookups);

        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        await harness.PollAsync();
        Assert.Equal(KeyStatus.Revoked, StatusOf(await harness.LookupAsync(hash), harness));
        Assert.Equal(lookups + 1, harness.Store.Lookups);
    }

    [Fact]
    public async Task Lookup_PastMaxCacheAgeWhileTheStoreIsDown_ServesTheCachedKeyForStaleSeconds()
    {
        await using var harness = await KeyCacheHarness.StartAsync(o => (o.MaxCacheAgeSeconds, o.StaleSeconds) = (10, 30));
        var (_, hash) = await harness.MintAsync();
        await harness.PollAsync();
        Assert.Equal(KeyLookupStatus.Found, (await harness.LookupAsync(hash)).Status);

        harness.Clock.Advance(TimeSpan.FromSeconds(20));
        await harness.PollAsync();
        harness.Store.Failing = true;
        // Re-read is due (20 s > 10 s) but fails: the last poll was 0 s ago, so the outage rule still serves it.
        Assert.Equal(KeyLookupStatus.Found, (await harness.LookupAsync(hash)).Status);

        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(KeyLookupStatus.StoreUnavailable, (await harness.LookupAsync(hash)).Status);
    }

    [Fact]
    public async Task Poll_FeedWentBackwards_ClearsTheCacheAndFollowsTheRestoredFeed()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        var (key, hash) = await harness.MintAsync();
        var backup = await harness.BackUpAsync();
        await harness.AppendUnrelatedChangesAsync(5);
        await harness.PollAsync();
        Assert.Equal(KeyStatus.Active, StatusOf(await harness.LookupAsync(hash), harness));

        // The operator restores the backup (its feed ends 5 changes earlier), then revokes the key there.
        harness.Restore(backup);
        await harness.Store.RevokeAsync(key.Id, KeyCacheHarness.TestActor, Ct);
        await harness.PollAsync();

        Assert.Equal(KeyStatus.Revoked, StatusOf(await harness.LookupAsync(hash), harness));
    }

    [Fact]
    public async Task Poll_FeedRestoredAndRewrittenPastThePosition_ClearsTheCache()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        var (key, hash) = await harness.MintAsync();
        var backup = await harness.BackUpAsync();
        await harness.AppendUnrelatedChangesAsync(3);
        await harness.PollAsync();
        Assert.Equal(KeyStatus.Active, StatusOf(await harness.LookupAsync(hash), harness));

        // Restored, then the revoke and more changes land before the next poll: the feed is longer than our position again.
        harness.Restore(backup);
        await harness.Store.RevokeAsync(key.Id, KeyCacheHarness.TestActor, Ct);
        await harness.MintAsync();
        await harness.MintAsync();
        await harness.MintAsync();
        await harness.PollAsync();

        Assert.Equal(KeyStatus.Revoked, StatusOf(await harness.LookupAsync(hash), harness));
    }
}
