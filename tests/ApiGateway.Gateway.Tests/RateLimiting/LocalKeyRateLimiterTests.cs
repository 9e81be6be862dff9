using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.RateLimits;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class LocalKeyRateLimiterTests
{
    private static readonly RateLimitPolicy Free = new("free", 100, 60, 10_000, null);
    private static readonly RateLimitPolicy TenPerMinute = new("t", 10, 60, null, null);

    [Fact]
    public async Task AcquireAsync_FullBucket_AdmitsExactlyLimitThenRefuses()
    {
        await using var h = await LimiterHarness.CreateAsync();

        Assert.Equal(100, await h.AcquireManyAsync(Free, 150));

        var refused = await h.AcquireAsync(Free);
        Assert.Equal(RateLimitRefusal.Rate, refused.Refusal);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.ResetAfter);
        Assert.Equal(TimeSpan.FromSeconds(0.6), refused.RetryAfter);
    }

    [Fact]
    public async Task AcquireAsync_AfterOneEmissionInterval_RefillsOneRequest()
    {
        await using var h = await LimiterHarness.CreateAsync();
        Assert.Equal(10, await h.AcquireManyAsync(TenPerMinute, 10));

        h.Clock.Advance(TimeSpan.FromSeconds(5.9));
        Assert.False((await h.AcquireAsync(TenPerMinute)).IsAllowed);
        h.Clock.Advance(TimeSpan.FromSeconds(0.1));
        var decision = await h.AcquireAsync(TenPerMinute);
        Assert.True(decision.IsAllowed);
        Assert.Equal(0, decision.Remaining);
        Assert.False((await h.AcquireAsync(TenPerMinute)).IsAllowed);
    }

    [Fact]
    public async Task AcquireAsync_HalfPeriod_RefillsHalfTheBucket()
    {
        await using var h = await LimiterHarness.CreateAsync();
        Assert.Equal(10, await h.AcquireManyAsync(TenPerMinute, 10));

        h.Clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(5, await h.AcquireManyAsync(TenPerMinute, 20));
    }

    [Fact]
    public async Task AcquireAsync_BurstAtPeriodEdge_NeverAdmitsTwiceTheLimit()
    {
        // A fixed window would admit 10 at 0:59.9 and 10 more at 1:00.0; the bucket admits 10 plus what refilled.
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 3, 10, 12, 0, 59, 900, TimeSpan.Zero));
        Assert.Equal(10, await h.AcquireManyAsync(TenPerMinute, 10));

        h.Clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, await h.AcquireManyAsync(TenPerMinute, 10));

        // Over any 60 s window at most limit + the refill within it (10 + 10): never a 2x burst at an instant.
        h.Clock.Advance(TimeSpan.FromSeconds(59.9));
        Assert.Equal(10, await h.AcquireManyAsync(TenPerMinute, 20));
    }

    [Fact]
    public async Task AcquireAsync_IdleForLongerThanPeriod_BucketHoldsNoMoreThanLimit()
    {
        await using var h = await LimiterHarness.CreateAsync();
        await h.AcquireAsync(TenPerMinute);

        h.Clock.Advance(TimeSpan.FromHours(5));

        Assert.Equal(10, await h.AcquireManyAsync(TenPerMinute, 30));
    }

    [Fact]
    public async Task AcquireAsync_Allowed_ReportsRemainingAndTimeUntilFull()
    {
        await using var h = await LimiterHarness.CreateAsync();
        await h.AcquireManyAsync(Free, 57);

        var decision = await h.AcquireAsync(Free);

        Assert.True(decision.IsAllowed);
        Assert.Equal(42, decision.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(34.8), decision.ResetAfter); // 58 requests x 0.6 s
        Assert.Equal(new QuotaStatus(10_000, 9_942, TimeSpan.FromHours(12), TimeSpan.FromDays(1)), decision.Daily);
        Assert.Null(decision.Monthly);
    }

    [Fact]
    public async Task AcquireAsync_SameLineage_SharesTheBucket()
    {
        // Two keys of one lineage (a key and its rotated successor) present the same lineage id.
        await using var h = await LimiterHarness.CreateAsync();
        var resolver = new RateLimitPolicyResolver(h.Options);
        var original = RateLimitTestData.Key(rateLimit: new RateLimitOverride(10, 60));
        var successor = original with { Id = "key_successor", RotatedFrom = original.Id };

        Assert.Equal(6, await h.AcquireManyAsync(resolver.Resolve(original), 6, original.LineageId));

        Assert.Equal(4, await h.AcquireManyAsync(resolver.Resolve(successor), 10, successor.LineageId));
    }

    [Fact]
    public async Task AcquireAsync_DifferentLineages_HaveSeparateBuckets()
    {
        await using var h = await LimiterHarness.CreateAsync();

        Assert.Equal(10, await h.AcquireManyAsync(TenPerMinute, 20, "lin_a"));

        Assert.Equal(10, await h.AcquireManyAsync(TenPerMinute, 20, "lin_b"));
    }

    [Fact]
    public async Task AcquireAsync_DailyQuotaSpent_RefusesUntilNextUtcMidnight()
    {
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 3, 10, 23, 0, 0, TimeSpan.Zero));
        var policy = new RateLimitPolicy("p", 1000, 1, 5, null);
        Assert.Equal(5, await h.AcquireManyAsync(policy, 10));

        var refused = await h.AcquireAsync(policy);
        Assert.Equal(RateLimitRefusal.DailyQuota, refused.Refusal);
        Assert.Equal(TimeSpan.FromHours(1), refused.RetryAfter);
        Assert.Equal(0, refused.Daily!.Value.Remaining);

        h.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        Assert.False((await h.AcquireAsync(policy)).IsAllowed);
        h.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(5, await h.AcquireManyAsync(policy, 10));
    }

    [Fact]
    public async Task AcquireAsync_MonthlyQuotaSpent_RefusesUntilFirstOfNextMonth()
    {
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 2, 27, 0, 0, 0, TimeSpan.Zero));
        var policy = new RateLimitPolicy("p", 1000, 1, 3, 4);
        Assert.Equal(3, await h.AcquireManyAsync(policy, 5));
        h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await h.AcquireManyAsync(policy, 5));

        var refused = await h.AcquireAsync(policy);
        Assert.Equal(RateLimitRefusal.MonthlyQuota, refused.Refusal);
        Assert.Equal(TimeSpan.FromDays(1), refused.RetryAfter); // 2026-02-28 -> 2026-03-01
        Assert.Equal(new QuotaStatus(4, 0, TimeSpan.FromDays(1), TimeSpan.FromDays(28)), refused.Monthly);

        h.Clock.Advance(TimeSpan.FromDays(1));
        var march = await h.AcquireAsync(policy);
        Assert.True(march.IsAllowed);
        Assert.Equal(TimeSpan.FromDays(31), march.Monthly!.Value.Window);
        Assert.Equal(3, march.Monthly!.Value.Remaining);
    }

    [Fact]
    public async Task AcquireAsync_RefusedForRate_SpendsNoQuota()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var policy = new RateLimitPolicy("p", 2, 60, 100, 1000);
        Assert.Equal(2, await h.AcquireManyAsync(policy, 50));

        h.Clock.Advance(TimeSpan.FromSeconds(30));
        var next = await h.AcquireAsync(policy);

        Assert.True(next.IsAllowed);
        Assert.Equal(97, next.Daily!.Value.Remaining);
        Assert.Equal(997, next.Monthly!.Value.Remaining);
    }

    [Fact]
    public async Task AcquireAsync_RefusedForQuota_SpendsNoRateToken()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var limited = new RateLimitPolicy("p", 10, 60, 3, null);
        Assert.Equal(3, await h.AcquireManyAsync(limited, 20));

        // The quota is raised (a PATCH): the 17 refused requests left the bucket at 7.
        var raised = new RateLimitPolicy("p", 10, 60, 100, null);
        Assert.Equal(7, await h.AcquireManyAsync(raised, 20));
    }

    [Fact]
    public async Task AcquireAsync_PolicyChanges_AppliesAtOnce()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var resolver = new RateLimitPolicyResolver(h.Options);
        var key = RateLimitTestData.Key(tier: "free");
        Assert.Equal(100, await h.AcquireManyAsync(resolver.Resolve(key), 100, key.LineageId));
        Assert.False((await h.AcquireAsync(resolver.Resolve(key), key.LineageId)).IsAllowed);

        // Upgraded to pro (PATCH tier): the bucket is 1000 deep and what was spent still counts.
        var pro = key with { Tier = "pro" };
        Assert.Equal(900, await h.AcquireManyAsync(resolver.Resolve(pro), 1000, key.LineageId));

        // A per-key override of 1 per hour: no debt carried beyond its own burst.
        var overridden = pro with { RateLimit = new RateLimitOverride(1, 3600) };
        Assert.Equal("key", resolver.Resolve(overridden).Name);
        Assert.Equal(0, await h.AcquireManyAsync(resolver.Resolve(overridden), 5, key.LineageId));
        h.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await h.AcquireManyAsync(resolver.Resolve(overridden), 5, key.LineageId));
    }

    [Fact]
    public async Task AcquireAsync_RefusedOnSiblingKeyWithSmallerLimit_KeepsTheLineageDebt()
    {
        // After a rotation with grace and a PATCH, two live keys of one lineage: the successor on pro (1000/min), the
        // old key patched to 100/min. A refusal on the old key once clamped the debt to its own bucket: 900 given back.
        await using var h = await LimiterHarness.CreateAsync();
        // With a quota, the first request waits for the lineage's stored counts, so Inspect sees a loaded cell.
        var successor = new RateLimitPolicy("pro", 1000, 60, 1_000_000, null);
        var old = new RateLimitPolicy("key", 100, 60, 1_000_000, null);
        Assert.Equal(1000, await h.AcquireManyAsync(successor, 1001));
        var before = h.Limiter.Inspect("lin_a");

        var refused = await h.AcquireAsync(old);

        Assert.Equal(RateLimitRefusal.Rate, refused.Refusal);
        Assert.Equal(before, h.Limiter.Inspect("lin_a"));
        Assert.Equal(0, await h.AcquireManyAsync(successor, 1000));
        // The debt drains at the rate it was spent at: 1000 requests over 60 s, so the old key's first one fits after
        // 901 of them are repaid (54.06 s), and Retry-After says so.
        Assert.Equal(TimeSpan.FromSeconds(54.06), refused.RetryAfter);
        h.Clock.Advance(refused.RetryAfter - TimeSpan.FromTicks(1));
        Assert.False((await h.AcquireAsync(old)).IsAllowed);
        h.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.True((await h.AcquireAsync(old)).IsAllowed);
    }

    [Fact]
    public async Task AcquireAsync_TierChangedInConfig_AppliesWithoutRestart()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var resolver = new RateLimitPolicyResolver(h.Options);
        var key = RateLimitTestData.Key(tier: "free");
        Assert.Equal(100, await h.AcquireManyAsync(resolver.Resolve(key), 200, key.LineageId));

        h.Options.Set(RateLimitTestData.Options(o => o.Tiers["free"] = new TierOptions { Limit = 150, PeriodSeconds = 60 }));

        Assert.Equal(50, await h.AcquireManyAsync(resolver.Resolve(key), 200, key.LineageId));
    }

    [Fact]
    public async Task AcquireAsync_ThousandConcurrentAgainstLimit100_AdmitsExactly100_20Runs()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var policy = new RateLimitPolicy("p", 100, 3600, 1_000_000, null);
        for (var run = 0; run < 20; run++)
        {
            var lineage = $"lin_run{run}";
            using var start = new ManualResetEventSlim();
            var tasks = Enumerable.Range(0, 1000).Select(_ => Task.Run(async () =>
            {
                start.Wait(TestContext.Current.CancellationToken);
                return (await h.Limiter.AcquireAsync(new RateLimitRequest(lineage, policy), TestContext.Current.CancellationToken)).IsAllowed;
            })).ToArray();
            start.Set();
            var results = await Task.WhenAll(tasks);
            Assert.Equal(100, results.Count(allowed => allowed));
        }
    }

    [Fact]
    public async Task FlushAsync_ThenRestart_QuotaSurvives()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var policy = new RateLimitPolicy("p", 1000, 1, 10, 25);
        Assert.Equal(7, await h.AcquireManyAsync(policy, 7));

        Assert.Equal(2, await h.Limiter.FlushAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new Dictionary<string, long> { ["d:2026-03-10"] = 7, ["m:2026-03"] = 7 }, await h.StoredAsync("lin_a", "d:2026-03-10", "m:2026-03"));

        h.Restart();
        Assert.Equal(3, await h.AcquireManyAsync(policy, 10));
        await h.Limiter.FlushAsync(TestContext.Current.CancellationToken);

        // Next day: the daily count starts again, the monthly count carries on (and was persisted across the restart).
        h.Clock.Advance(TimeSpan.FromDays(1));
        h.Restart();
        Assert.Equal(10, await h.AcquireManyAsync(policy, 20));
        h.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(5, await h.AcquireManyAsync(policy, 20));
        await h.Limiter.FlushAsync(TestContext.Current.CancellationToken);
        Assert.Equal(25, (await h.StoredAsync("lin_a", "m:2026-03"))["m:2026-03"]);
    }

    [Fact]
    public async Task FlushAsync_OnlyAdmittedRequests_AreWrittenOnce()
    {
        await using var h = await LimiterHarness.CreateAsync();
        Assert.Equal(1, await h.AcquireManyAsync(new RateLimitPolicy("p", 1, 60, 10, null), 5));

        Assert.Equal(2, await h.Limiter.FlushAsync(TestContext.Current.CancellationToken)); // day and month rows
        Assert.Equal(0, await h.Limiter.FlushAsync(TestContext.Current.CancellationToken));

        Assert.Equal(1, (await h.StoredAsync("lin_a", "d:2026-03-10"))["d:2026-03-10"]);
    }

    [Fact]
    public async Task FlushAsync_DayEndsBeforeFlush_WritesTheOldDayToItsOwnPeriod()
    {
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 3, 10, 23, 59, 59, TimeSpan.Zero));
        var policy = new RateLimitPolicy("p", 1000, 1, 100, null);
        await h.AcquireManyAsync(policy, 3);
        h.Clock.Advance(TimeSpan.FromSeconds(2));
        await h.AcquireManyAsync(policy, 2);

        await h.Limiter.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            new Dictionary<string, long> { ["d:2026-03-10"] = 3, ["d:2026-03-11"] = 2, ["m:2026-03"] = 5 },
            await h.StoredAsync("lin_a", "d:2026-03-10", "d:2026-03-11", "m:2026-03"));
    }

    [Fact]
    public async Task FlushAsync_StoreFails_KeepsDeltasForTheNextFlush()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var policy = new RateLimitPolicy("p", 1000, 1, 100, null);
        await h.AcquireManyAsync(policy, 4);
        var realStore = h.Store;
        h.Store = new FailingQuotaStore(realStore);
        var failing = h.Restart();
        await h.AcquireManyAsync(policy, 4, "lin_b");

        Assert.Equal(0, await failing.FlushAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, failing.Sweep()); // nothing is evicted while deltas are carried
        ((FailingQuotaStore)h.Store).Fail = false;
        Assert.Equal(2, await failing.FlushAsync(TestContext.Current.CancellationToken));

        Assert.Equal(4, (await h.StoredAsync("lin_b", "d:2026-03-10"))["d:2026-03-10"]);
    }

    [Fact]
    public async Task FlushAsync_StoreDownForManyFlushes_KeepsOneDeltaPerLineageAndPeriod()
    {
        // Each failed flush once re-queued every delta unmerged: 2 more entries per lineage per flush, without bound.
        await using var h = await LimiterHarness.CreateAsync();
        var failing = new FailingQuotaStore(h.Store);
        h.Store = failing;
        var limiter = h.Restart();
        var policy = new RateLimitPolicy("p", 1000, 1, 1_000_000, null);
        for (var flush = 0; flush < 12; flush++)
        {
            for (var lineage = 0; lineage < 100; lineage++)
            {
                await h.AcquireAsync(policy, $"lin_{lineage}");
            }
            Assert.Equal(0, await limiter.FlushAsync(TestContext.Current.CancellationToken));
            Assert.Equal(200, limiter.PendingDeltas);
        }
        h.Clock.Advance(TimeSpan.FromHours(12)); // the day ends during the outage: its deltas are carried, still merged
        await h.AcquireAsync(policy, "lin_0");
        Assert.Equal(0, await limiter.FlushAsync(TestContext.Current.CancellationToken));
        Assert.Equal(201, limiter.PendingDeltas);

        failing.Fail = false;
        Assert.Equal(201, await limiter.FlushAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, limiter.PendingDeltas);
        Assert.Equal(new Dictionary<string, long> { ["d:2026-03-10"] = 12, ["d:2026-03-11"] = 1, ["m:2026-03"] = 13 },
            await h.StoredAsync("lin_0", "d:2026-03-10", "d:2026-03-11", "m:2026-03"));
    }

    [Fact]
    public async Task FlushAsync_HourLongStoreOutageWith10kLineages_MemoryStaysFlat()
    {
        // The scale: 10k active lineages, one request each per flush (5 s), 720 failed flushes.
        await using var h = await LimiterHarness.CreateAsync();
        var failing = new FailingQuotaStore(h.Store);
        h.Store = failing;
        var limiter = h.Restart();
        var policy = new RateLimitPolicy("p", 1000, 1, 1_000_000, 10_000_000);
        var lineages = Enumerable.Range(0, 10_000).Select(i => $"lin_{i:00000}").ToArray();
        long afterFirst = 0;
        for (var flush = 0; flush < 720; flush++)
        {
            foreach (var lineage in lineages)
            {
                await limiter.AcquireAsync(new RateLimitRequest(lineage, policy), TestContext.Current.CancellationToken);
            }
            await limiter.FlushAsync(TestContext.Current.CancellationToken);
            h.Clock.Advance(TimeSpan.FromSeconds(5));
            if (flush == 0)
            {
                afterFirst = GC.GetTotalMemory(forceFullCollection: true);
            }
        }
        var afterHour = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(20_000, limiter.PendingDeltas);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Managed heap after 1 failed flush: {afterFirst / 1024.0 / 1024:F1} MiB; after 720 (one hour): {afterHour / 1024.0 / 1024:F1} MiB; pending deltas: {limiter.PendingDeltas}.");
        Assert.True(afterHour - afterFirst < 16L * 1024 * 1024, $"The heap grew {(afterHour - afterFirst) / 1024 / 1024} MiB during the outage.");

        failing.Fail = false;
        Assert.Equal(20_000, await limiter.FlushAsync(TestContext.Current.CancellationToken));
        Assert.Equal(720, (await h.StoredAsync("lin_00042", "d:2026-03-10"))["d:2026-03-10"]);
    }

    [Fact]
    public async Task FirstUse_ConcurrentAfterRestart_LoadsStoredCountOnce()
    {
        await using var h = await LimiterHarness.CreateAsync();
        await h.Store.AddQuotaUsageAsync([new QuotaIncrement("lin_a", "d:2026-03-10", 90)], TestContext.Current.CancellationToken);
        var policy = new RateLimitPolicy("p", 1000, 3600, 100, null);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            (await h.Limiter.AcquireAsync(new RateLimitRequest("lin_a", policy), TestContext.Current.CancellationToken)).IsAllowed)));

        Assert.Equal(10, results.Count(allowed => allowed));
    }

    [Fact]
    public async Task Sweep_IdleFullBucketFlushed_EvictsAndRebuildsTheSameState()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var policy = new RateLimitPolicy("p", 10, 60, 100, null);
        await h.AcquireManyAsync(policy, 10);
        await h.Limiter.FlushAsync(TestContext.Current.CancellationToken);

        h.Clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, h.Limiter.Sweep()); // bucket not full yet
        h.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, h.Limiter.Sweep());
        Assert.Equal(0, h.Limiter.Count);

        var decision = await h.AcquireAsync(policy);
        Assert.Equal(9, decision.Remaining);
        Assert.Equal(89, decision.Daily!.Value.Remaining);
    }

    [Fact]
    public async Task Sweep_UnflushedOrRecentlyUsed_KeepsTheCell()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var policy = new RateLimitPolicy("p", 10, 1, 100, null);
        await h.AcquireAsync(policy, "lin_unflushed");
        h.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(0, h.Limiter.Sweep());

        await h.Limiter.FlushAsync(TestContext.Current.CancellationToken);
        await h.AcquireAsync(new RateLimitPolicy("q", 10, 1, null, null), "lin_recent");
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        await h.Limiter.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, h.Limiter.Sweep()); // lin_unflushed idle 91 s; lin_recent only 30 s
        Assert.Equal(1, h.Limiter.Count);
    }

    [Fact]
    public async Task Sweep_RacingAcquirers_NeverLoseARequest()
    {
        await using var h = await LimiterHarness.CreateAsync(options: RateLimitTestData.Options(o => o.IdleSeconds = 1));
        var policy = new RateLimitPolicy("p", 1_000_000, 1, null, null);
        var ct = TestContext.Current.CancellationToken;
        using var stop = new CancellationTokenSource();
        var maintenance = Task.Run(async () =>
        {
            var evicted = 0;
            while (!stop.IsCancellationRequested)
            {
                await h.Limiter.FlushAsync(ct);
                h.Clock.Advance(TimeSpan.FromSeconds(2)); // thousands of rounds stay within the month
                evicted += h.Limiter.Sweep();
            }
            return evicted;
        }, ct);

        var allowed = await Task.WhenAll(Enumerable.Range(0, 2000).Select(_ => Task.Run(async () =>
            (await h.Limiter.AcquireAsync(new RateLimitRequest("lin_a", policy), ct)).IsAllowed, ct)));
        await stop.CancelAsync();
        await maintenance;

        Assert.All(allowed, Assert.True);
        // Every admitted request reaches the store exactly once, however often its cell was evicted and rebuilt.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long total;
        do
        {
            await h.Limiter.FlushAsync(ct);
            total = (await h.Store.GetQuotaUsageAsync("lin_a", ["m:2026-03"], ct)).GetValueOrDefault("m:2026-03");
        }
        while (total < 2000 && DateTime.UtcNow < deadline);
        Assert.Equal(2000, total);
    }

    private sealed class FailingQuotaStore(IUsageStore inner) : IUsageStore
    {
        public bool Fail { get; set; } = true;

        public Task AddQuotaUsageAsync(IReadOnlyCollection<QuotaIncrement> increments, CancellationToken cancellationToken) =>
            Fail ? throw new IOException("store down") : inner.AddQuotaUsageAsync(increments, cancellationToken);

        public Task<IReadOnlyDictionary<string, long>> GetQuotaUsageAsync(string lineageId, IReadOnlyCollection<string> periods, CancellationToken cancellationToken) =>
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
