using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Redis;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>
/// A quota holds across Redis outages and recoveries (docs/scale-out.md): a real redis-server killed and restarted empty,
/// and a gateway cut off from a Redis that keeps its counters, with the limiter harness's fake clock and SQLite store.
/// </summary>
public sealed class RedisQuotaOutageTests : IAsyncLifetime
{
    // The key: daily 5, monthly 8 (it was served 10 requests across one outage).
    private static readonly RateLimitPolicy Quota = new("free", 100, 1, 5, 8);

    // On a loaded machine a call can time out after Redis ran it; the fallback then admits it again and it is counted
    // twice (the safe direction, but not the exact numbers these tests assert): patient timeouts keep the calls whole.
    private const string Patient = ",connectTimeout=20000,asyncTimeout=30000,syncTimeout=30000";
    private readonly RedisServer _redis = new();
    private readonly string _lineage = "lin_" + Guid.NewGuid().ToString("N");
    private LimiterHarness _harness = null!;
    private ConnectionMultiplexer _connection = null!;
    private RateLimitBackendHealth _health = null!;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        Assert.SkipWhen(_redis.SkipReason is not null, _redis.SkipReason ?? "");
        _harness = await LimiterHarness.CreateAsync(shared: true);
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse(_redis.ConnectionString + Patient));
        _health = new RateLimitBackendHealth(new ApiGateway.Gateway.Metrics.GatewayMetrics(Prometheus.Metrics.NewCustomRegistry(), new ApiGateway.Gateway.Metrics.KeyIdLabels(Microsoft.Extensions.Options.Options.Create(new ApiGateway.Gateway.Metrics.MetricsOptions()))), new SharedLimiterMode(true));
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AcquireAsync_RedisKilledThenRestartedEmpty_DailyAndMonthlyQuotasHold()
    {
        var limiter = Limiter(_connection, _harness.Limiter);
        Assert.Equal(3, await AcquireManyAsync(limiter, 3));

        await _redis.StopAsync();
        // Fail open: the fallback starts from what Redis last said (3), not from the store's or from zero.
        Assert.Equal(2, await AcquireManyAsync(limiter, 5));
        Assert.False(_health.IsUp);

        await _redis.StartAsync(); // no persistence: every counter is gone
        await ReconnectAsync();
        limiter = Limiter(_connection, _harness.Limiter);
        var refused = await limiter.AcquireAsync(new RateLimitRequest(_lineage, Quota), TestContext.Current.CancellationToken);
        Assert.Equal(RateLimitRefusal.DailyQuota, refused.Refusal);
        Assert.True(_health.IsUp);
        Assert.Equal(5, (long)await _connection.GetDatabase().StringGetAsync(DayKey()));

        // Next UTC day: the daily quota is fresh, the month has 3 of 8 left.
        _harness.Clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(3, await AcquireManyAsync(limiter, 5));
        Assert.Equal(RateLimitRefusal.MonthlyQuota, (await limiter.AcquireAsync(new RateLimitRequest(_lineage, Quota), TestContext.Current.CancellationToken)).Refusal);
    }

    [Fact]
    public async Task AcquireAsync_RedisRestartedEmpty_EveryGatewayRaisesTheCounterToWhatItKnows()
    {
        var first = Limiter(_connection, _harness.Limiter);
        await using var other = await LimiterHarness.CreateAsync(shared: true);
        var second = Limiter(_connection, other.Limiter);
        Assert.Equal(1, await AcquireManyAsync(first, 1));  // Redis answered 1 to the first gateway
        Assert.Equal(3, await AcquireManyAsync(second, 3)); // and 4 to the second

        await _redis.StopAsync();
        await _redis.StartAsync();
        await ReconnectAsync();
        first = Limiter(_connection, _harness.Limiter);
        second = Limiter(_connection, other.Limiter);

        // The first gateway rebuilds the counter from its 1 (it cannot know the second's 3 yet) and is admitted; the
        // second raises it to its 4 on its next call, so the lineage is served 6 of its 5 in all: the worst case of a
        // Redis restart, bounded by the spends each gateway has not seen (docs/scale-out.md).
        Assert.Equal(1, await AcquireManyAsync(first, 1));
        Assert.Equal(2, (long)await _connection.GetDatabase().StringGetAsync(DayKey()));
        Assert.Equal(1, await AcquireManyAsync(second, 3));
        Assert.Equal(0, await AcquireManyAsync(first, 3));
        Assert.Equal(5, (long)await _connection.GetDatabase().StringGetAsync(DayKey()));
    }

    [Fact]
    public async Task AcquireAsync_GatewayRestartedDuringOutage_StartsFromTheStore()
    {
        Assert.Equal(3, await AcquireManyAsync(Limiter(_connection, _harness.Limiter), 3));
        await _harness.Limiter.FlushAsync(TestContext.Current.CancellationToken); // Redis-era spends reach the store too
        Assert.Equal(3, (await _harness.StoredAsync(_lineage, "d:2026-03-10"))["d:2026-03-10"]);

        await _redis.StopAsync();
        var restarted = Limiter(_connection, _harness.Restart());
        Assert.Equal(2, await AcquireManyAsync(restarted, 5));
    }

    [Fact]
    public async Task AcquireAsync_CutOffFromRedisThatKeptItsCounters_MergesTheFallbackSpendsOnRecovery()
    {
        // One gateway (one local limiter) first reaches Redis, then is cut off from it (a dead address), then reaches it
        // again; a second gateway only ever talks to Redis. Redis keeps its counters throughout.
        var reachable = Limiter(_connection, _harness.Limiter);
        using var dead = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse($"127.0.0.1:{FreePort()}"));
        var cutOff = Limiter(dead, _harness.Limiter);
        await using var other = await LimiterHarness.CreateAsync(shared: true);
        var otherGateway = Limiter(_connection, other.Limiter);

        Assert.Equal(2, await AcquireManyAsync(reachable, 2));
        Assert.Equal(3, await AcquireManyAsync(cutOff, 5)); // fallback: from 2 to the daily 5
        Assert.Equal(2, (long)await _connection.GetDatabase().StringGetAsync(DayKey()));

        Assert.Equal(RateLimitRefusal.DailyQuota, (await reachable.AcquireAsync(new RateLimitRequest(_lineage, Quota), TestContext.Current.CancellationToken)).Refusal);
        Assert.Equal(5, (long)await _connection.GetDatabase().StringGetAsync(DayKey()));
        Assert.Equal(0, await AcquireManyAsync(otherGateway, 5));
    }

    private RedisKeyRateLimiter Limiter(IConnectionMultiplexer connection, LocalKeyRateLimiter fallback) =>
        new(new RedisConnection(connection, _health, NullLogger<RedisConnection>.Instance), fallback, _health, _harness.Clock, NullLogger<RedisKeyRateLimiter>.Instance);

    private RedisKey DayKey() =>
        RedisRateLimitScript.Keys(RedisKeyRateLimiter.KeyPrefix, _lineage, UtcCalendar.At(_harness.Clock.GetUtcNow().UtcTicks))[1];

    private async Task<int> AcquireManyAsync(RedisKeyRateLimiter limiter, int count)
    {
        var allowed = 0;
        for (var i = 0; i < count; i++)
        {
            allowed += (await limiter.AcquireAsync(new RateLimitRequest(_lineage, Quota), TestContext.Current.CancellationToken)).IsAllowed ? 1 : 0;
        }
        return allowed;
    }

    /// <summary>A new connection to the restarted server (how soon the old one notices is the client's business, not this test's).</summary>
    private async Task ReconnectAsync()
    {
        await _connection.DisposeAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse(_redis.ConnectionString + Patient));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
