using ApiGateway.Keys.Redis;
using StackExchange.Redis;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// With <c>RateLimits:Redis</c> set: subscribes to <c>keys:changed</c> (published by the admin API after each mutation)
/// and wakes the change-feed poller at once. The poll stays the safety net: the message carries no key ids, so a lost
/// one costs at most the poll interval. StackExchange.Redis re-subscribes by itself after a reconnect; a subscription
/// that failed at start (Redis down) is retried when the connection comes back.
/// </summary>
internal sealed partial class RedisKeyChangeSubscriber(RedisConnection connection, KeyChangeSignal signal, ILogger<RedisKeyChangeSubscriber> logger)
    : IHostedService
{
    private int _subscribed;
    private IConnectionMultiplexer? _redis;

    /// <summary>Never waits on Redis (docs/scale-out.md): subscribes once the connection exists.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection.OnConnected(redis =>
        {
            _redis = redis;
            redis.ConnectionRestored += OnRestored;
            _ = TrySubscribeAsync(redis);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_redis is { } redis)
        {
            redis.ConnectionRestored -= OnRestored;
        }
        return Task.CompletedTask;
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e) => _ = TrySubscribeAsync((IConnectionMultiplexer)sender!);

    private async Task TrySubscribeAsync(IConnectionMultiplexer redis)
    {
        if (Volatile.Read(ref _subscribed) == 1)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().SubscribeAsync(KeyChangeChannel.Channel, (_, _) => signal.Wake()).ConfigureAwait(false);
            Interlocked.Exchange(ref _subscribed, 1);
        }
        catch (RedisException ex)
        {
            Log.SubscribeFailed(logger, ex.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.KeyChangeSubscribeFailed, LogLevel.Warning, "Cannot subscribe to Redis 'keys:changed' ({Error}); key changes arrive by polling until Redis is back.", EventName = nameof(EventIds.KeyChangeSubscribeFailed))]
        public static partial void SubscribeFailed(ILogger logger, string error);
    }
}
