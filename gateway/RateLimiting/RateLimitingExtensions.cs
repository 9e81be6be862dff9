using ApiGateway.Keys.RateLimits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApiGateway.Gateway.RateLimiting;

internal static class RateLimitingExtensions
{
    /// <summary>
    /// Registers the <c>RateLimits</c> options (validated at start), the policy resolver, the in-process limiter with
    /// its flush/eviction loop, and the admission step the key access step calls. A shared limiter (Redis) registers its <see cref="IKeyRateLimiter"/> before this call.
    /// Needs an <c>IUsageStore</c> (<c>AddKeyStore</c>) for quota persistence.
    /// </summary>
    public static WebApplicationBuilder AddKeyRateLimits(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddRateLimitsOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RateLimitPolicyResolver>();
        // Redis first (when configured): its IKeyRateLimiter wins over the TryAdd of the local one, which stays as its fallback.
        services.AddSharedLimiter(builder.Configuration[$"{RateLimitsOptions.SectionName}:Redis"]);
        services.TryAddSingleton<LocalKeyRateLimiter>();
        services.TryAddSingleton<IKeyRateLimiter>(sp => sp.GetRequiredService<LocalKeyRateLimiter>());
        services.TryAddSingleton<QuotaExhaustions>();
        services.TryAddSingleton<WorkspaceLimitsCache>();
        services.AddHostedService<RateLimitMaintenanceService>();
        services.TryAddSingleton<RateLimitAdmission>();
        return builder;
    }
}
