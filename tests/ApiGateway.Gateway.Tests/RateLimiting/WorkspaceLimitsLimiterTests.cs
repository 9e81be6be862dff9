using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// A key's limits and its workspace's decided in one step (docs/rate-limits.md "Workspace limits"), by each limiter: a
/// refusal by any limit spends nothing in the others, for every pairing; the refusal that lasts longest is the one
/// named; and the keys of one workspace share its limit exactly under concurrency. Fake clock, real SQLite store (and,
/// for <see cref="RedisWorkspaceLimitsLimiterTests"/>, a real redis-server).
/// </summary>
public abstract class WorkspaceLimitsLimiterTests : IAsyncLifetime
{
    private const string Workspace = "ws:ws_pool";

    /// <summary>Suffix of every lineage and workspace of this test: tests of one class share a redis-server.</summary>
    private readonly string _scope = "_" + Guid.NewGuid().ToString("N")[..8];

    private protected LimiterHarness Harness { get; private set; } = null!;

    private protected abstract IKeyRateLimiter Limiter { get; }

    protected virtual bool IsRedisFallback => false;

    public virtual async ValueTask InitializeAsync() => Harness = await LimiterHarness.CreateAsync(shared: IsRedisFallback);

    public virtual async ValueTask DisposeAsync()
    {
        if (Harness is not null)
        {
            await Harness.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    private static RateLimitPolicy Key(int limit, long? daily = null) => new("free", limit, 60, daily, null);

    private static RateLimitPolicy Pool(int? limit, long? daily = null) => RateLimitPolicy.ForWorkspace(limit, limit is null ? null : 60, daily, null, failClosed: false)!;

    private async Task<RateLimitDecision> AcquireAsync(string lineage, RateLimitPolicy key, RateLimitPolicy pool, string workspace = Workspace, int cost = 1) =>
        await Limiter.AcquireAsync(new RateLimitRequest(lineage + _scope, key, new WorkspaceLimit(workspace + _scope, pool), cost), TestContext.Current.CancellationToken);

    private async Task<int> AcquireManyAsync(int count, string lineage, RateLimitPolicy key, RateLimitPolicy pool)
    {
        var admitted = 0;
        for (var i = 0; i < count; i++)
        {
            admitted += (await AcquireAsync(lineage, key, pool)).IsAllowed ? 1 : 0;
        }
        return admitted;
    }

    [Fact]
    public async Task KeyRateSpent_RefusalSpendsNothingOfTheWorkspace()
    {
        var pool = Pool(10, daily: 100);
        Assert.Equal(2, await AcquireManyAsync(3, "lin_a", Key(2), pool));

        var refused = await AcquireAsync("lin_a", Key(2), pool);
        var sibling = await AcquireAsync("lin_b", Key(100), pool);

        Assert.Equal(RateLimitRefusal.Rate, refused.Refusal);
        Assert.Equal((8, 98), (refused.Workspace!.Value.Remaining, refused.Workspace.Value.Daily!.Value.Remaining));
        Assert.Equal((7, 97), (sibling.Workspace!.Value.Remaining, sibling.Workspace.Value.Daily!.Value.Remaining));
    }

    [Fact]
    public async Task WorkspaceRateSpent_RefusalSpendsNothingOfTheKey()
    {
        var key = Key(10, daily: 100);
        Assert.Equal(2, await AcquireManyAsync(2, "lin_a", key, Pool(2)));

        var refused = await AcquireAsync("lin_a", key, Pool(2));

        Assert.Equal(RateLimitRefusal.WorkspaceRate, refused.Refusal);
        Assert.True(refused.IsWorkspaceRefusal);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        Assert.Equal((8, 98), (refused.Remaining, refused.Daily!.Value.Remaining));
        var alone = await Limiter.AcquireAsync(new RateLimitRequest("lin_a" + _scope, key), TestContext.Current.CancellationToken);
        Assert.Equal((7, 97), (alone.Remaining, alone.Daily!.Value.Remaining));
    }

    [Fact]
    public async Task KeyQuotaSpent_RefusalSpendsNoWorkspaceRateToken()
    {
        var key = Key(100, daily: 2);
        Assert.Equal(2, await AcquireManyAsync(2, "lin_a", key, Pool(10)));

        var refused = await AcquireAsync("lin_a", key, Pool(10));

        Assert.Equal(RateLimitRefusal.DailyQuota, refused.Refusal);
        Assert.Equal(8, refused.Workspace!.Value.Remaining);
        Assert.Equal(7, (await AcquireAsync("lin_b", Key(100), Pool(10))).Workspace!.Value.Remaining);
    }

    [Fact]
    public async Task WorkspaceQuotaSpent_RefusalSpendsNoKeyRateToken()
    {
        var key = Key(10);
        Assert.Equal(2, await AcquireManyAsync(2, "lin_a", key, Pool(null, daily: 2)));

        var refused = await AcquireAsync("lin_a", key, Pool(null, daily: 2));

        Assert.Equal(RateLimitRefusal.WorkspaceDailyQuota, refused.Refusal);
        Assert.Equal(TimeSpan.FromHours(12), refused.RetryAfter); // the harness starts at 12:00 UTC
        Assert.Equal(8, refused.Remaining);
        Assert.Equal(0, refused.Workspace!.Value.Daily!.Value.Remaining);
    }

    [Fact]
    public async Task WorkspaceQuotaSpent_RefusalSpendsNothingOfTheKeysQuota_AndTheReverse()
    {
        Assert.Equal(2, await AcquireManyAsync(3, "lin_a", Key(100, daily: 5), Pool(null, daily: 2)));
        var byWorkspace = await AcquireAsync("lin_a", Key(100, daily: 5), Pool(null, daily: 2));
        Assert.Equal(RateLimitRefusal.WorkspaceDailyQuota, byWorkspace.Refusal);
        Assert.Equal(3, byWorkspace.Daily!.Value.Remaining);

        const string other = "ws:ws_other";
        Assert.True((await AcquireAsync("lin_b", Key(100, daily: 1), Pool(null, daily: 5), other)).IsAllowed);
        var byKey = await AcquireAsync("lin_b", Key(100, daily: 1), Pool(null, daily: 5), other);
        Assert.Equal(RateLimitRefusal.DailyQuota, byKey.Refusal);
        Assert.False(byKey.IsWorkspaceRefusal);
        Assert.Equal(4, byKey.Workspace!.Value.Daily!.Value.Remaining);
    }

    [Fact]
    public async Task SeveralLimitsSpent_RefusalNamesTheLongestWait()
    {
        // The key's rate frees in 30 s, the workspace's daily quota at midnight (12 h): Retry-After is the longer.
        var key = Key(2);
        Assert.Equal(2, await AcquireManyAsync(2, "lin_a", key, Pool(null, daily: 2)));

        var refused = await AcquireAsync("lin_a", key, Pool(null, daily: 2));

        Assert.Equal(RateLimitRefusal.WorkspaceDailyQuota, refused.Refusal);
        Assert.Equal(TimeSpan.FromHours(12), refused.RetryAfter);
    }

    /// <summary>docs/rate-limits.md "Request cost": quotas count units, rate limits requests; too few units left refuses and spends nothing.</summary>
    [Fact]
    public async Task Cost_KeyQuotaWithFewerUnitsLeft_RefusesAndSpendsNothing_CheaperRequestStillPasses()
    {
        var key = Key(100, daily: 12);
        var pool = Pool(10, daily: 100);

        var first = await AcquireAsync("lin_a", key, pool, cost: 5);
        var second = await AcquireAsync("lin_a", key, pool, cost: 5);
        var refused = await AcquireAsync("lin_a", key, pool, cost: 5);
        var cheaper = await AcquireAsync("lin_a", key, pool, cost: 2);

        Assert.Equal((true, 7, 99, 95, 9), (first.IsAllowed, first.Daily!.Value.Remaining, first.Remaining, first.Workspace!.Value.Daily!.Value.Remaining, first.Workspace.Value.Remaining));
        Assert.Equal((true, 2, 98, 90, 8), (second.IsAllowed, second.Daily!.Value.Remaining, second.Remaining, second.Workspace!.Value.Daily!.Value.Remaining, second.Workspace.Value.Remaining));
        Assert.Equal(RateLimitRefusal.DailyQuota, refused.Refusal);
        Assert.Equal(TimeSpan.FromHours(12), refused.RetryAfter);
        Assert.Equal((2, 98, 90, 8), (refused.Daily!.Value.Remaining, refused.Remaining, refused.Workspace!.Value.Daily!.Value.Remaining, refused.Workspace.Value.Remaining));
        Assert.Equal((true, 0, 97, 88, 7), (cheaper.IsAllowed, cheaper.Daily!.Value.Remaining, cheaper.Remaining, cheaper.Workspace!.Value.Daily!.Value.Remaining, cheaper.Workspace.Value.Remaining));
    }

    [Fact]
    public async Task Cost_WorkspaceQuotaWithFewerUnitsLeft_RefusesAndSpendsNothingOfTheKey()
    {
        var key = Key(100, daily: 100);
        var pool = Pool(null, daily: 7);

        Assert.True((await AcquireAsync("lin_a", key, pool, cost: 5)).IsAllowed);
        var refused = await AcquireAsync("lin_b", key, pool, cost: 5);
        var cheaper = await AcquireAsync("lin_b", key, pool, cost: 2);

        Assert.Equal(RateLimitRefusal.WorkspaceDailyQuota, refused.Refusal);
        Assert.Equal((2, 100, 100), (refused.Workspace!.Value.Daily!.Value.Remaining, refused.Remaining, refused.Daily!.Value.Remaining));
        Assert.True(cheaper.IsAllowed);
        Assert.Equal((0, 99, 98), (cheaper.Workspace!.Value.Daily!.Value.Remaining, cheaper.Remaining, cheaper.Daily!.Value.Remaining));
    }

    [Fact]
    public async Task ThousandConcurrentOverTenKeysOfOneWorkspace_AdmitsExactlyTheWorkspaceLimit_20Runs()
    {
        var key = new RateLimitPolicy("pro", 1000, 3600, null, null);
        var pool = RateLimitPolicy.ForWorkspace(100, 3600, null, null, failClosed: false)!;
        for (var run = 0; run < 20; run++)
        {
            var workspace = $"ws:run{run}{_scope}";
            using var start = new ManualResetEventSlim();
            var tasks = Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
            {
                start.Wait(TestContext.Current.CancellationToken);
                return (await Limiter.AcquireAsync(new RateLimitRequest($"lin_run{run}_{i % 10}{_scope}", key, new WorkspaceLimit(workspace, pool)),
                    TestContext.Current.CancellationToken)).IsAllowed;
            })).ToArray();
            start.Set();

            var results = await Task.WhenAll(tasks);

            Assert.Equal(100, results.Count(admitted => admitted));
        }
    }

    /// <summary>
    /// One key serving two limited workspaces at once: its cell moves between their locks under contention, and the
    /// three limits still hold exactly (the key's 80 is spent, neither workspace passes its 50).
    /// </summary>
    [Fact]
    public async Task OneKeyAlternatingBetweenTwoLimitedWorkspaces_EveryLimitHoldsExactly()
    {
        var key = new RateLimitPolicy("pro", 80, 3600, null, null);
        var pool = RateLimitPolicy.ForWorkspace(50, 3600, null, null, failClosed: false)!;
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 600).Select(i => Task.Run(async () =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            var workspace = i % 2 == 0 ? "ws:even" : "ws:odd";
            return (Workspace: workspace, (await AcquireAsync("lin_both", key, pool, workspace)).IsAllowed);
        })).ToArray();
        start.Set();

        var results = await Task.WhenAll(tasks);

        Assert.Equal(80, results.Count(r => r.IsAllowed));
        Assert.InRange(results.Count(r => r.IsAllowed && r.Workspace == "ws:even"), 30, 50);
        Assert.InRange(results.Count(r => r.IsAllowed && r.Workspace == "ws:odd"), 30, 50);
    }
}

/// <summary>The in-process limiter: one lock per decision (the key's cell moves under the workspace cell's).</summary>
public sealed class LocalWorkspaceLimitsLimiterTests : WorkspaceLimitsLimiterTests
{
    private protected override IKeyRateLimiter Limiter => Harness.Limiter;

    /// <summary>The strongest form of "spends nothing": the refused request leaves both cells' state as it found it.</summary>
    [Fact]
    public async Task Refusal_LeavesKeyAndWorkspaceStateUnchanged()
    {
        var key = new RateLimitPolicy("free", 3, 60, 100, null);
        var pool = RateLimitPolicy.ForWorkspace(2, 60, 50, null, failClosed: false)!;
        var request = new RateLimitRequest("lin_a", key, new WorkspaceLimit("ws:ws_pool", pool));
        for (var i = 0; i < 2; i++)
        {
            Assert.True((await Harness.Limiter.AcquireAsync(request, TestContext.Current.CancellationToken)).IsAllowed);
        }
        var keyBefore = Harness.Limiter.Inspect("lin_a");
        var poolBefore = Harness.Limiter.Inspect("ws:ws_pool");

        Assert.False((await Harness.Limiter.AcquireAsync(request, TestContext.Current.CancellationToken)).IsAllowed);

        Assert.Equal(keyBefore, Harness.Limiter.Inspect("lin_a"));
        Assert.Equal(poolBefore, Harness.Limiter.Inspect("ws:ws_pool"));
        Assert.Equal(2, poolBefore!.Value.Day.Count);
    }
}

/// <summary>The Redis script: the same pairings in one call against a real redis-server.</summary>
public sealed class RedisWorkspaceLimitsLimiterTests(RedisKeyRateLimiterTests.Fixture redis)
    : WorkspaceLimitsLimiterTests, IClassFixture<RedisKeyRateLimiterTests.Fixture>
{
    private RedisKeyRateLimiter _limiter = null!;

    private protected override IKeyRateLimiter Limiter => _limiter;

    protected override bool IsRedisFallback => true;

    public override async ValueTask InitializeAsync()
    {
        Assert.SkipWhen(redis.Server.SkipReason is not null, redis.Server.SkipReason ?? "");
        await base.InitializeAsync();
        var health = new RateLimitBackendHealth(new ApiGateway.Gateway.Metrics.GatewayMetrics(Prometheus.Metrics.NewCustomRegistry(),
            new ApiGateway.Gateway.Metrics.KeyIdLabels(Microsoft.Extensions.Options.Options.Create(new ApiGateway.Gateway.Metrics.MetricsOptions()))), new SharedLimiterMode(true));
        _limiter = new RedisKeyRateLimiter(new RedisConnection(redis.Connection, health, NullLogger<RedisConnection>.Instance),
            Harness.Limiter, health, Harness.Clock, NullLogger<RedisKeyRateLimiter>.Instance);
    }
}
