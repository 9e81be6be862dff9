using ApiGateway.Keys.Redis;
using StackExchange.Redis;

namespace ApiGateway.AdminApi.ChangeFeed;

/// <summary>
/// When <c>RateLimits:Redis</c> is set, publishes <c>keys:changed</c> on Redis after every successful mutation (any
/// non-GET request answered below 400: API and console alike), so every gateway polls the store's change feed at once
/// instead of at its next 250 ms tick. Best effort and fire-and-forget: the gateways' polling stays the safety net, so
/// a lost message (or a Redis outage, or a connection not made yet) only costs the poll interval.
/// </summary>
internal sealed class KeyChangePublisher(RequestDelegate next, RedisConnection connection)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.StatusCode < 400 && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method) && connection.Current is { IsConnected: true } redis)
        {
            try
            {
                await redis.GetSubscriber().PublishAsync(KeyChangeChannel.Channel, "1", CommandFlags.FireAndForget);
            }
            catch (RedisException)
            {
                // The gateways' poll picks the change up within its interval.
            }
        }
    }
}
