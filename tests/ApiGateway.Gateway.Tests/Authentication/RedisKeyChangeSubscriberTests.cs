using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Redis;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>
/// A <c>keys:changed</c> message on a real Redis wakes the change-feed poller; the subscription never waits on Redis at
/// start and is made when Redis comes back if it was down (StackExchange.Redis only re-subscribes what succeeded once).
/// </summary>
public sealed class RedisKeyChangeSubscriberTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly RedisServer _redis = new();
    private readonly KeyChangeSignal _signal = new();
    private readonly CapturedLogs _logs = new();
    private RedisConnection _connection = null!;
    private RedisKeyChangeSubscriber _subscriber = null!;

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        Assert.SkipWhen(_redis.SkipReason is not null, _redis.SkipReason ?? "");
        _connection = new RedisConnection(RedisConnectionOptions.Parse(_redis.ConnectionString), null, NullLogger<RedisConnection>.Instance);
        _subscriber = new RedisKeyChangeSubscriber(_connection, _signal, _logs.CreateLogger<RedisKeyChangeSubscriber>());
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscriber is not null)
        {
            await _subscriber.StopAsync(CancellationToken.None);
            await _connection.StopAsync(CancellationToken.None);
            await _connection.DisposeAsync();
        }
        await _redis.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task StartAsync()
    {
        var start = _subscriber.StartAsync(Ct);
        Assert.True(start.IsCompletedSuccessfully); // never waits on Redis
        await _connection.StartAsync(Ct);
        await Poll.UntilAsync(_ => Task.FromResult(_connection.Current is not null), connected => connected, Deadline, Ct);
    }

    [Fact]
    public async Task Message_OnKeysChanged_WakesThePoller()
    {
        await StartAsync();

        Assert.True(await PublishUntilWokenAsync());
    }

    [Fact]
    public async Task RedisDownAtStart_SubscribesWhenItComesBackAndWakesThePoller()
    {
        await _redis.StopAsync();
        await StartAsync();
        var failed = await Poll.UntilAsync(_ => Task.FromResult(_logs.Lines.Any(l => l.EventId.Id == EventIds.KeyChangeSubscribeFailed)), f => f, Deadline, Ct);
        Assert.True(failed);
        Assert.Equal(LogLevel.Warning, _logs.Lines.First(l => l.EventId.Id == EventIds.KeyChangeSubscribeFailed).Level);

        await _redis.StartAsync();

        Assert.True(await PublishUntilWokenAsync());
    }

    [Fact]
    public async Task RedisRestarted_AfterSubscribing_StillWakesThePoller()
    {
        await StartAsync();
        Assert.True(await PublishUntilWokenAsync());

        await _redis.StopAsync();
        await _redis.StartAsync();

        Assert.True(await PublishUntilWokenAsync());
    }

    /// <summary>
    /// Publishes as the admin API does until Redis counts a subscriber (the subscription is made in the background), then
    /// checks that the message taken after the poller's <see cref="KeyChangeSignal.Next"/> completed it.
    /// </summary>
    private async Task<bool> PublishUntilWokenAsync()
    {
        await using var publisher = await ConnectionMultiplexer.ConnectAsync(RedisConnectionOptions.Parse(_redis.ConnectionString));
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            var next = _signal.Next;
            long receivers;
            try
            {
                receivers = await publisher.GetSubscriber().PublishAsync(KeyChangeChannel.Channel, "key_1");
            }
            catch (RedisConnectionException)
            {
                receivers = 0; // the publisher is still reconnecting
            }
            if (receivers > 0)
            {
                await next.WaitAsync(Deadline, Ct);
                return true;
            }
            await Task.Delay(Poll.Interval, Ct); // poll interval: waiting for the background subscription
        }
        return false;
    }
}
