using Prometheus;
using StackExchange.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>Wires the shared limiter when <c>RateLimits:Redis</c> is set; called by <see cref="RateLimitingExtensions.AddKeyRateLimits"/>.</summary>
internal static class RedisRateLimitingExtensions
{
    /// <summary>
    /// Connection settings that make a dead Redis cost milliseconds, not seconds: never abort on a failed first connect
    /// (the multiplexer keeps reconnecting in the background), fail commands at once while disconnected instead of
    /// queueing them, and keep timeouts short unless the connection string sets them.
    /// </summary>
    public static ConfigurationOptions ConnectionOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var lower = connectionString.ToLowerInvariant();
        if (!lower.Contains("connecttimeout=", StringComparison.Ordinal))
        {
            options.ConnectTimeout = 1000;
        }
        if (!lower.Contains("synctimeout=", StringComparison.Ordinal))
        {
            options.SyncTimeout = 1000;
        }
        if (!lower.Contains("asynctimeout=", StringComparison.Ordinal))
        {
            options.AsyncTimeout = 1000;
        }
        if (!lower.Contains("connectretry=", StringComparison.Ordinal))
        {
            options.ConnectRetry = 1;
        }
        options.ReconnectRetryPolicy = new LinearRetry(500);
        return options;
    }

    public static IServiceCollection AddSharedLimiter(this IServiceCollection services, string? connectionString)
    {
        var shared = !string.IsNullOrWhiteSpace(connectionString);
        services.AddSingleton(new SharedLimiterMode(shared));
        services.AddSingleton(sp => new RateLimitBackendHealth(sp.GetRequiredService<CollectorRegistry>(), sp.GetRequiredService<SharedLimiterMode>()));
        if (!shared)
        {
            return services;
        }
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var multiplexer = ConnectionMultiplexer.Connect(ConnectionOptions(connectionString!));
            var health = sp.GetRequiredService<RateLimitBackendHealth>();
            multiplexer.ConnectionFailed += (_, _) => health.Failed();
            multiplexer.ConnectionRestored += (_, _) => health.Succeeded();
            if (!multiplexer.IsConnected)
            {
                health.Failed();
            }
            return multiplexer;
        });
        services.AddSingleton<RedisKeyRateLimiter>();
        services.AddSingleton<IKeyRateLimiter>(sp => sp.GetRequiredService<RedisKeyRateLimiter>());
        return services;
    }
}
