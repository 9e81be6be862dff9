using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Redis;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>The Redis script's semantics against a real <c>redis-server</c>, on the limiter harness's fake clock.</summary>
public sealed class RedisKeyRateLimiterTests(RedisKeyRateLimiterTests.Fixture redis) : IClassFixture<RedisKeyRateLimiterTests.Fixture>, IAsyncLifetime
{
    private readonly string _lineage = "lin_" + Guid.NewGuid().ToString("N");
    private LimiterHarness _harness = null!;
    private RateLimitBackendHealth _health = null!;
    private RedisKeyRateLimiter _limiter = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipWhen(redis.Server.SkipReason is not null, redis.Server.SkipReason ?? "");
        _harness = await LimiterHarness.CreateAsync(shared: true);
        _health = new RateLimitBackendHealth(new ApiGateway.Gateway.Metrics.GatewayMetrics(Prometheus.Metrics.NewCustomRegistry(), new ApiGateway.Gateway.Metrics.KeyIdLabels(Microsoft.Extensions.Options.Options.Create(new ApiGateway.Gateway.Metrics.MetricsOptions()))), new SharedLimiterMode(true));
        _limiter = NewLimiter(redis.Connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task AcquireAsync_FullBucket_AdmitsExactlyLimitThenRefusesUntilRefill()
    {
        var policy = new RateLimitPolicy("free", 10, 10, null, null);
        Assert.Equal(10, await AcquireManyAsync(policy, 20));

        var refused = await AcquireAsync(policy);
        Assert.Equal(RateLimitRefusal.Rate, refused.Refusal);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(0, refused.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(10), refused.ResetAfter);

        _harness.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await AcquireManyAsync(policy, 3));
        _harness.Clock.Advance(TimeSpan.FromSeconds(10));
        var full = await AcquireAsync(policy);
        Assert.True(full.IsAllowed);
        Assert.Equal(9, full.Remaining);
    }

    [Fact]
    public async Task AcquireAsync_SameSequence_MatchesLocalLimiter()
    {
        var policy = new RateLimitPolicy("free", 5, 3, 8, null);
        for (var step = 0; step < 40; step++)
        {
            var shared = await AcquireAsync(policy);
            var local = await _harness.AcquireAsync(policy, _lineage + ":local");
            Assert.Equal(local.Refusal, shared.Refusal);
            Assert.Equal(local.Remaining, shared.Remaining);
            Assert.Equal(local.ResetAfter, shared.ResetAfter);
            Assert.Equal(local.RetryAfter, shared.RetryAfter);
            Assert.Equal(local.Daily, shared.Daily);
            _harness.Clock.Advance(TimeSpan.FromMilliseconds(137 * (step % 7)));
        }
    }

    [Fact]
    public async Task AcquireAsync_AnyInterleaving_MatchesLocalStaysWithinBoundsAndRefusalsChangeNothing()
    {
        // GcraPropertyTests' property against the script: the same random mixed-policy runs, every decision equal to
        // the local limiter's (so the Lua arithmetic is the C# one), and a refusal leaves the Redis keys as they were.
        var database = redis.Connection.GetDatabase();
        for (var seed = 0; seed < 12; seed++)
        {
            var scenario = GcraScenario.Generate(seed, 300, quotas: true);
            await using var harness = await LimiterHarness.CreateAsync(shared: true);
            await using var localHarness = await LimiterHarness.CreateAsync();
            var limiter = new RedisKeyRateLimiter(new RedisConnection(redis.Connection, _health, NullLogger<RedisConnection>.Instance), harness.Limiter, _health, harness.Clock, NullLogger<RedisKeyRateLimiter>.Instance);
            var lineage = "lin_" + Guid.NewGuid().ToString("N");
            var log = new AdmissionLog(scenario);
            foreach (var (policy, advance) in scenario.Steps)
            {
                harness.Clock.Advance(TimeSpan.FromTicks(advance));
                localHarness.Clock.Advance(TimeSpan.FromTicks(advance));
                var keys = RedisRateLimitScript.Keys(RedisKeyRateLimiter.KeyPrefix, lineage, UtcCalendar.At(harness.Clock.GetUtcNow().UtcTicks));
                var before = await SnapshotAsync(database, keys);
                var shared = await limiter.AcquireAsync(new RateLimitRequest(lineage, scenario.Policies[policy]), TestContext.Current.CancellationToken);
                var local = await localHarness.AcquireAsync(scenario.Policies[policy], lineage);
                Assert.True(local == shared, $"{scenario}: local {local}, Redis {shared}");
                if (shared.IsAllowed)
                {
                    log.Admitted(harness.Clock.GetUtcNow().UtcTicks, policy);
                }
                else
                {
                    Assert.Equal(before, await SnapshotAsync(database, keys));
                }
            }
            log.AssertWithinBounds();
        }
    }

    [Fact]
    public async Task AcquireAsync_DailyQuotaSpent_RefusesToNextUtcDayAndSpendsNoRate()
    {
        var policy = new RateLimitPolicy("free", 100, 60, 3, null);
        Assert.Equal(3, await AcquireManyAsync(policy, 10));
        var refused = await AcquireAsync(policy);
        Assert.Equal(RateLimitRefusal.DailyQuota, refused.Refusal);
        Assert.Equal(TimeSpan.FromHours(12), refused.RetryAfter); // harness starts at 12:00 UTC
        Assert.Equal(97, refused.Remaining); // the refusals spent no rate token

        _harness.Clock.Advance(TimeSpan.FromHours(12));
        var nextDay = await AcquireAsync(policy);
        Assert.True(nextDay.IsAllowed);
        Assert.Equal(2, nextDay.Daily!.Value.Remaining);
    }

    [Fact]
    public async Task AcquireAsync_RateRefused_SpendsNoQuota()
    {
        var policy = new RateLimitPolicy("free", 2, 60, 5, 5);
        Assert.Equal(2, await AcquireManyAsync(policy, 6));
        _harness.Clock.Advance(TimeSpan.FromSeconds(60));
        var after = await AcquireAsync(policy);
        Assert.True(after.IsAllowed);
        Assert.Equal(2, after.Daily!.Value.Remaining);
        Assert.Equal(2, after.Monthly!.Value.Remaining);
    }

    [Fact]
    public async Task AcquireAsync_MonthlyQuotaSpent_RollsOverAtMonthStart()
    {
        var policy = new RateLimitPolicy("free", 100, 1, null, 2);
        Assert.Equal(2, await AcquireManyAsync(policy, 4));
        var refused = await AcquireAsync(policy);
        Assert.Equal(RateLimitRefusal.MonthlyQuota, refused.Refusal);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero) - _harness.Clock.GetUtcNow(), refused.RetryAfter);
        _harness.Clock.Advance(refused.RetryAfter);
        Assert.Equal(2, await AcquireManyAsync(policy, 4));
    }

    [Fact]
    public async Task AcquireAsync_ConcurrentFromTwoConnections_AdmitsExactlyLimit()
    {
        using var second = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse(redis.Server.ConnectionString));
        var other = NewLimiter(second);
        var policy = new RateLimitPolicy("free", 100, 3600, null, null);
        var calls = Enumerable.Range(0, 1000).Select(i => (i % 2 == 0 ? _limiter : other)
            .AcquireAsync(new RateLimitRequest(_lineage, policy), TestContext.Current.CancellationToken).AsTask());
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var decisions = await Task.WhenAll(calls);
        var concurrent = watch.Elapsed;
        Assert.Equal(100, decisions.Count(d => d.IsAllowed));

        // Reported, not asserted (speed belongs to bench/): one script call, sequential and under 1000-way concurrency.
        watch.Restart();
        for (var i = 0; i < 200; i++)
        {
            await _limiter.AcquireAsync(new RateLimitRequest(_lineage, policy), TestContext.Current.CancellationToken);
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Redis script round trip: {watch.Elapsed.TotalMilliseconds / 200:F3} ms sequential; 1000 concurrent calls in {concurrent.TotalMilliseconds:F0} ms.");
    }

    [Fact]
    public async Task AcquireAsync_RedisUnreachable_FailsOpenToLocalOrClosedPerTier()
    {
        using var dead = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse($"127.0.0.1:{redis.DeadPort}"));
        var limiter = NewLimiter(dead);

        var open = await limiter.AcquireAsync(new RateLimitRequest(_lineage, new RateLimitPolicy("free", 1, 60, null, null)), TestContext.Current.CancellationToken);
        Assert.True(open.IsAllowed);
        Assert.False(_health.IsUp);
        var local = await limiter.AcquireAsync(new RateLimitRequest(_lineage, new RateLimitPolicy("free", 1, 60, null, null)), TestContext.Current.CancellationToken);
        Assert.Equal(RateLimitRefusal.Rate, local.Refusal); // the local bucket of limit 1 is spent

        var closed = await limiter.AcquireAsync(new RateLimitRequest(_lineage, new RateLimitPolicy("strict", 1, 60, null, null, failClosed: true)), TestContext.Current.CancellationToken);
        Assert.Equal(RateLimitRefusal.BackendUnavailable, closed.Refusal);

        Assert.True((await AcquireAsync(new RateLimitPolicy("free", 1, 60, null, null))).IsAllowed);
        Assert.True(_health.IsUp);
    }

    private static async Task<string> SnapshotAsync(IDatabase database, RedisKey[] keys)
    {
        var bucket = await database.HashGetAllAsync(keys[0]);
        return string.Join(",", bucket.OrderBy(e => e.Name.ToString()).Select(e => $"{e.Name}={e.Value}"))
            + $";{await database.StringGetAsync(keys[1])};{await database.StringGetAsync(keys[2])}";
    }

    private RedisKeyRateLimiter NewLimiter(IConnectionMultiplexer connection) =>
        new(new RedisConnection(connection, _health, NullLogger<RedisConnection>.Instance), _harness.Limiter, _health, _harness.Clock, NullLogger<RedisKeyRateLimiter>.Instance);

    private async Task<RateLimitDecision> AcquireAsync(RateLimitPolicy policy) =>
        await _limiter.AcquireAsync(new RateLimitRequest(_lineage, policy), TestContext.Current.CancellationToken);

    private async Task<int> AcquireManyAsync(RateLimitPolicy policy, int count)
    {
        var allowed = 0;
        for (var i = 0; i < count; i++)
        {
            allowed += (await AcquireAsync(policy)).IsAllowed ? 1 : 0;
        }
        return allowed;
    }

    /// <summary>One redis-server and one connection for the class; <see cref="DeadPort"/> has no server.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public RedisServer Server { get; } = new();

        public IConnectionMultiplexer Connection { get; private set; } = null!;

        public int DeadPort { get; } = Random.Shared.Next(20000, 30000);

        public async ValueTask InitializeAsync()
        {
            await Server.InitializeAsync();
            if (Server.SkipReason is null)
            {
                Connection = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse(Server.ConnectionString));
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Connection is not null)
            {
                await Connection.DisposeAsync();
            }
            await Server.DisposeAsync();
        }
    }
}
