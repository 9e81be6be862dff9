using Prometheus;
using StackExchange.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>Wires the shared limiter when <c>RateLimits:Redis</c> is set; called by <see cref="RateLimitingExtensions.AddKeyRateLimits"/>.</summary>
internal static class RedisRateLimitingExtensions
{
    /// <summary>
    /// Connection settings that make a dead Redis cost milliseconds, not seconds: never abort on a failed first connect
    /// (the multiplexer keeps reconnecting in the background), fail commands at once while disconnected instead of
    /// queueing them, a 1 s connect timeout and 5 s command timeouts unless the connection string sets them.
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
        // A dead Redis (refused or reset) fails at once through FailFast; the timeout only bounds a hung one. It stays
        // generous because the client checks timeouts on its 1 s heartbeat, and a loaded gateway can queue a reply
        // that long: a spurious timeout would fall back to the local limiter and over-admit.
        if (!lower.Contains("synctimeout=", StringComparison.Ordinal))
        {
            options.SyncTimeout = 5000;
        }
        if (!lower.Contains("asynctimeout=", StringComparison.Ordinal))
        {
            options.AsyncTimeout = 5000;
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
        services.AddSingleton<RateLimitBackendHealth>();
        if (!shared)
        {
            return services;
        }
        // Connected in the background by its hosted service: start-up and shutdown never wait on Redis.
        services.AddSingleton(sp => new RedisConnection(
            ConnectionOptions(connectionString!), sp.GetRequiredService<RateLimitBackendHealth>(), sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        services.AddSingleton<RedisKeyRateLimiter>();
        services.AddSingleton<IKeyRateLimiter>(sp => sp.GetRequiredService<RedisKeyRateLimiter>());
        return services;
    }
}
