using ApiGateway.Keys.Redis;

namespace ApiGateway.Gateway.RateLimiting;

/// <summary>Wires the shared limiter when <c>RateLimits:Redis</c> is set; called by <see cref="RateLimitingExtensions.AddKeyRateLimits"/>.</summary>
internal static class RedisRateLimitingExtensions
{
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
        services.AddRedisConnection(connectionString!, sp => sp.GetRequiredService<RateLimitBackendHealth>());
        services.AddSingleton<RedisKeyRateLimiter>();
        services.AddSingleton<IKeyRateLimiter>(sp => sp.GetRequiredService<RedisKeyRateLimiter>());
        return services;
    }
}
