using System.Net;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>
/// The cache/poller protocol under controlled interleavings: a lookup that read the store before a change and finishes
/// after the poller applied it must never be cached; cached answers are re-read after Auth:MaxCacheAgeSeconds; a feed
/// that goes backwards (a restored database) clears the cache. Misses are single-flighted, remembered in a bounded
/// negative cache that forgets the oldest, and budgeted per client (Auth:FailedLookupsPerMinute).
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
        await harness.Mutations.RevokeAsync(key.Id, KeyCacheHarness.TestActor, Ct);
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
        await harness.Mutations.RevokeAsync(key.Id, KeyCacheHarness.TestActor, Ct);
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
        await harness.Mutations.RevokeAsync(key.Id, KeyCacheHarness.TestActor, Ct);
        await harness.MintAsync();
        await harness.MintAsync();
        await harness.MintAsync();
        await harness.PollAsync();

        Assert.Equal(KeyStatus.Revoked, StatusOf(await harness.LookupAsync(hash), harness));
    }

    [Fact]
    public async Task Lookup_ConcurrentMissesForOneHash_OneStoreQuery()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        var hash = harness.Hasher.Hash("unknown_0123456789abcdefghijklmnopqrstuvwxyz");
        var gate = harness.Store.GateNextLookup();
        var first = harness.LookupAsync(hash);
        await gate.Reached.WaitAsync(Ct);
        var others = Enumerable.Range(0, 5).Select(_ => harness.LookupAsync(hash)).ToArray();
        gate.Open();

        var all = await Task.WhenAll([first, .. others]).WaitAsync(Ct);

        Assert.All(all, lookup => Assert.Equal(KeyLookupStatus.Unknown, lookup.Status));
        Assert.Equal(1, harness.Store.Lookups);
    }

    [Fact]
    public async Task Lookup_ArrivingAfterAnEvictionWhileAReadIsInFlight_DoesNotJoinIt()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        var (key, hash) = await harness.MintAsync();
        await harness.PollAsync();
        var gate = harness.Store.GateNextLookup();
        var before = harness.LookupAsync(hash);
        await gate.Reached.WaitAsync(Ct);
        await harness.Mutations.RevokeAsync(key.Id, KeyCacheHarness.TestActor, Ct);
        await harness.PollAsync();

        var after = await harness.LookupAsync(hash).WaitAsync(Ct);
        gate.Open();
        await before.WaitAsync(Ct);

        Assert.Equal(KeyStatus.Revoked, StatusOf(after, harness));
        Assert.Equal(KeyStatus.Revoked, StatusOf(await harness.LookupAsync(hash), harness));
    }

    [Fact]
    public async Task NegativeCache_Full_ForgetsOnlyTheOldest()
    {
        await using var harness = await KeyCacheHarness.StartAsync(o => o.NegativeCacheSize = 3);
        var hashes = Enumerable.Range(0, 4).Select(i => harness.Hasher.Hash($"unknown_{i}_0123456789abcdefghijklmnopqrstuvwxyz")).ToArray();
        foreach (var hash in hashes)
        {
            Assert.Equal(KeyLookupStatus.Unknown, (await harness.LookupAsync(hash)).Status);
        }
        var lookups = harness.Store.Lookups;

        foreach (var hash in hashes[1..])
        {
            Assert.Equal(KeyLookupStatus.Unknown, (await harness.LookupAsync(hash)).Status);
        }
        Assert.Equal(lookups, harness.Store.Lookups);
        Assert.Equal(KeyLookupStatus.Unknown, (await harness.LookupAsync(hashes[0])).Status);
        Assert.Equal(lookups + 1, harness.Store.Lookups);
    }

    [Fact]
    public async Task Lookup_UnknownHashLaterStoredWithThatSecret_FoundAfterThePoll()
    {
        await using var harness = await KeyCacheHarness.StartAsync();
        const string Secret = "imported_0123456789abcdefghijklmnopqrstuvwxyz";
        var hash = harness.Hasher.Hash(Secret);
        Assert.Equal(KeyLookupStatus.Unknown, (await harness.LookupAsync(hash)).Status);
        Assert.Equal(KeyLookupStatus.Unknown, (await harness.LookupAsync(hash)).Status);
        Assert.Equal(1, harness.Store.Lookups);

        await harness.StoreKnownSecretAsync(Secret);
        await harness.PollAsync();

        Assert.Equal(KeyLookupStatus.Found, (await harness.LookupAsync(hash)).Status);
    }

    [Fact]
    public async Task Lookup_PastTheClientsFailedLookupBudget_ThrottledWithoutAStoreQueryUntilTheMinuteEnds()
    {
        await using var harness = await KeyCacheHarness.StartAsync(o => o.FailedLookupsPerMinute = 3);
        var attacker = IPAddress.Parse("2001:db8:1:2::7");
        var sameSubscriber = IPAddress.Parse("2001:db8:1:2:ffff::1");
        var other = IPAddress.Parse("192.0.2.10");
        var (key, known) = await harness.MintAsync();
        await harness.PollAsync();
        Assert.Equal(KeyLookupStatus.Found, (await harness.Cache.LookupAsync(known, attacker, Ct)).Status);
        var guesses = Enumerable.Range(0, 5).Select(i => harness.Hasher.Hash($"guess_{i}_0123456789abcdefghijklmnopqrstuvwxyz")).ToArray();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(KeyLookupStatus.Unknown, (await harness.Cache.LookupAsync(guesses[i], attacker, Ct)).Status);
        }
        var lookups = harness.Store.Lookups;

        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        await harness.PollAsync();
        var throttled = await harness.Cache.LookupAsync(guesses[3], sameSubscriber, Ct);
        Assert.Equal(KeyLookupStatus.Throttled, throttled.Status);
        Assert.Equal(TimeSpan.FromSeconds(50), throttled.RetryAfter);
        Assert.Equal(lookups, harness.Store.Lookups);

        // Already cached answers cost nothing and still answer; a key that was found before is exempt even when evicted.
        Assert.Equal(KeyLookupStatus.Unknown, (await harness.Cache.LookupAsync(guesses[0], attacker, Ct)).Status);
        await harness.Mutations.UpdateAsync(key.Id, new KeyUpdate { Name = new(true, "renamed") }, KeyCacheHarness.TestActor, Ct);
        await harness.PollAsync();
        Assert.Equal(KeyLookupStatus.Found, (await harness.Cache.LookupAsync(known, attacker, Ct)).Status);
        Assert.Equal(lookups + 1, harness.Store.Lookups);

        // Another client has its own budget.
        Assert.Equal(KeyLookupStatus.Unknown, (await harness.Cache.LookupAsync(guesses[3], other, Ct)).Status);

        harness.Clock.Advance(TimeSpan.FromSeconds(50));
        await harness.PollAsync();
        Assert.Equal(KeyLookupStatus.Unknown, (await harness.Cache.LookupAsync(guesses[4], attacker, Ct)).Status);
    }

    [Fact]
    public async Task Lookup_ConcurrentMissesFromOneClient_NeverMoreStoreQueriesThanTheBudget()
    {
        await using var harness = await KeyCacheHarness.StartAsync(o => o.FailedLookupsPerMinute = 3);
        var client = IPAddress.Parse("203.0.113.9");
        var gate = harness.Store.GateNextLookup();
        var lookups = Enumerable.Range(0, 20)
            .Select(i => harness.Cache.LookupAsync(harness.Hasher.Hash($"guess_{i}_0123456789abcdefghijklmnopqrstuvwxyz"), client, Ct).AsTask())
            .ToArray();
        await gate.Reached.WaitAsync(Ct);
        gate.Open();

        var results = await Task.WhenAll(lookups).WaitAsync(Ct);

        Assert.Equal(3, results.Count(r => r.Status == KeyLookupStatus.Unknown));
        Assert.Equal(17, results.Count(r => r.Status == KeyLookupStatus.Throttled));
        Assert.Equal(3, harness.Store.Lookups);
    }

    [Fact]
    public async Task Lookup_BurstOnAKeyNotYetCachedFromOneClient_JoinsOneReadAndIsNeverThrottled()
    {
        // A key minted a moment ago, first used by a burst far larger than the failed-lookup budget: the burst shares
        // one store read, and only that read is charged (then refunded, since the key exists).
        await using var harness = await KeyCacheHarness.StartAsync(o => o.FailedLookupsPerMinute = 3);
        var client = IPAddress.Parse("203.0.113.10");
        var (_, hash) = await harness.MintAsync();
        var gate = harness.Store.GateNextLookup();
        var first = harness.Cache.LookupAsync(hash, client, Ct).AsTask();
        await gate.Reached.WaitAsync(Ct);
        var burst = Enumerable.Range(0, 50).Select(_ => harness.Cache.LookupAsync(hash, client, Ct).AsTask()).ToArray();
        gate.Open();

        var results = await Task.WhenAll([first, .. burst]).WaitAsync(Ct);

        Assert.All(results, lookup => Assert.Equal(KeyLookupStatus.Found, lookup.Status));
        Assert.Equal(1, harness.Store.Lookups);
    }
}
