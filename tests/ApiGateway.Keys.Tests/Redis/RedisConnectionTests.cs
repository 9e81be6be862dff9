using System.Net;
using System.Net.Sockets;
using ApiGateway.Keys.Redis;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ApiGateway.Keys.Tests.Redis;

/// <summary>Start-up and shutdown never wait on Redis, even when its connect hangs; the health listener hears every change.</summary>
public sealed class RedisConnectionTests
{
    [Fact]
    public async Task StartAsync_ServerThatNeverAnswersTls_ReturnsAtOnceAndStopsWithinBounds()
    {
        // Accepts the connection and says nothing: the client's TLS handshake has no timeout of its own.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var health = new RecordingHealth();
        var connection = new RedisConnection(
            RedisConnectionOptions.Parse($"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port},ssl=true"), health, NullLogger<RedisConnection>.Instance);

        var start = connection.StartAsync(TestContext.Current.CancellationToken);

        Assert.True(start.IsCompletedSuccessfully);
        Assert.Null(connection.Current);
        Assert.Equal(["failed"], health.Events);
        await connection.StopAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StartAsync_Redis_ConnectsInTheBackgroundAndRunsWhatWaitedForIt()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        var health = new RecordingHealth();
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse(redis.ConnectionString), health, NullLogger<RedisConnection>.Instance);
        var connected = new TaskCompletionSource<IConnectionMultiplexer>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.OnConnected(connected.SetResult);

        await connection.StartAsync(TestContext.Current.CancellationToken);

        var multiplexer = await connected.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Same(multiplexer, connection.Current);
        // Down until connected; a multiplexer handed back before its socket is up reports up later (ConnectionRestored).
        Assert.Equal("failed", health.Events[0]);
        var late = 0;
        connection.OnConnected(_ => late++); // already connected: runs at once
        Assert.Equal(1, late);
    }

    [Fact]
    public async Task Constructor_NoHealthListener_Connects()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        Assert.SkipWhen(redis.SkipReason is not null, redis.SkipReason ?? "");
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse(redis.ConnectionString), null, NullLogger<RedisConnection>.Instance);
        var connected = new TaskCompletionSource<IConnectionMultiplexer>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.OnConnected(connected.SetResult);

        await connection.StartAsync(TestContext.Current.CancellationToken);

        Assert.True((await connected.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).IsConnected);
    }

    private sealed class RecordingHealth : IRedisHealthListener
    {
        private readonly List<string> _events = [];

        public IReadOnlyList<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public void Failed()
        {
            lock (_events)
            {
                _events.Add("failed");
            }
        }

        public void Succeeded()
        {
            lock (_events)
            {
                _events.Add("succeeded");
            }
        }
    }
}
