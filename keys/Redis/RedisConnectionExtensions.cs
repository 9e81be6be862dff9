using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Keys.Redis;

public static class RedisConnectionExtensions
{
    /// <summary>
    /// Registers the process's <see cref="RedisConnection"/> to <paramref name="connectionString"/> (<c>RateLimits:Redis</c>)
    /// as a singleton and a hosted service: it connects in the background, so start-up and shutdown never wait on Redis.
    /// <paramref name="health"/>, when given, is told whenever Redis goes away and comes back.
    /// </summary>
    public static IServiceCollection AddRedisConnection(
        this IServiceCollection services, string connectionString, Func<IServiceProvider, IRedisHealthListener>? health = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // The host builds its hosted services before it validates options, so a malformed string must not throw here:
        // RateLimitsOptionsValidator stops the start naming the setting, before any hosted service (this one) starts.
        services.AddSingleton(sp => new RedisConnection(
            RedisConnectionOptions.TryParse(connectionString) ?? new StackExchange.Redis.ConfigurationOptions(),
            health?.Invoke(sp),
            sp.GetRequiredService<ILogger<RedisConnection>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RedisConnection>());
        return services;
    }
}
