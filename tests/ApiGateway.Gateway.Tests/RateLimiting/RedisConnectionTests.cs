using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Redis;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>Start-up and shutdown never wait on Redis, even when its connect hangs (TLS against a plain server).</summary>
public sealed class RedisConnectionTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        Assert.SkipWhen(_redis.SkipReason is not null, _redis.SkipReason ?? "");
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task StartAsync_SslAgainstPlainRedis_ReturnsAtOnceAnswersPerTierAndStops()
    {
        // The case: ssl=true to a plain Redis; the client's TLS handshake waits for an answer that never comes.
        var health = new RateLimitBackendHealth(new ApiGateway.Gateway.Metrics.GatewayMetrics(Prometheus.Metrics.NewCustomRegistry(), new ApiGateway.Gateway.Metrics.KeyIdLabels(Microsoft.Extensions.Options.Options.Create(new ApiGateway.Gateway.Metrics.MetricsOptions()))), new SharedLimiterMode(true));
        var connection = new RedisConnection(
            RedisConnectionOptions.Parse(_redis.ConnectionString + ",ssl=true"), health, NullLogger<RedisConnection>.Instance);
        await using var harness = await LimiterHarness.CreateAsync(shared: true);
        var limiter = new RedisKeyRateLimiter(connection, harness.Limiter, health, harness.Clock, NullLogger<RedisKeyRateLimiter>.Instance);

        var start = connection.StartAsync(TestContext.Current.CancellationToken);

        Assert.True(start.IsCompletedSuccessfully);
        Assert.False(health.IsUp);
        var open = await limiter.AcquireAsync(new RateLimitRequest("lin_a", new RateLimitPolicy("free", 5, 60, null, null)), TestContext.Current.CancellationToken);
        Assert.True(open.IsAllowed); // fail open: the local limiter answered
        var closed = await limiter.AcquireAsync(new RateLimitRequest("lin_a", new RateLimitPolicy("strict", 5, 60, null, null, failClosed: true)), TestContext.Current.CancellationToken);
        Assert.Equal(RateLimitRefusal.BackendUnavailable, closed.Refusal);

        await connection.StopAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StartAsync_PlainRedis_ConnectsInTheBackground()
    {
        var health = new RateLimitBackendHealth(new ApiGateway.Gateway.Metrics.GatewayMetrics(Prometheus.Metrics.NewCustomRegistry(), new ApiGateway.Gateway.Metrics.KeyIdLabels(Microsoft.Extensions.Options.Options.Create(new ApiGateway.Gateway.Metrics.MetricsOptions()))), new SharedLimiterMode(true));
        await using var connection = new RedisConnection(
            RedisConnectionOptions.Parse(_redis.ConnectionString), health, NullLogger<RedisConnection>.Instance);
        var connected = new TaskCompletionSource<StackExchange.Redis.IConnectionMultiplexer>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.OnConnected(connected.SetResult);

        await connection.StartAsync(TestContext.Current.CancellationToken);

        var multiplexer = await connected.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Same(multiplexer, connection.Current);
        Assert.True(health.IsUp);
    }
}
