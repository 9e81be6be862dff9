using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys;
using ApiGateway.Keys.Hosting;
using ApiGateway.Keys.RateLimits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

internal static class ApiKeyAuthenticationExtensions
{
    /// <summary>
    /// The key store (shared library), its cache, its change-feed poller and (with <c>RateLimits:Redis</c>) the Redis
    /// subscriber that wakes it, and the Bearer key verifier.
    /// </summary>
    public static WebApplicationBuilder AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddKeyStore(builder.Configuration);
        builder.Services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.SectionName);
        builder.Services.AddSingleton<StoreHealth>();
        builder.Services.AddSingleton<FailedLookupBudget>();
        builder.Services.AddSingleton<KeyCache>();
        builder.Services.TryAddSingleton<KeyChangeSignal>();
        builder.Services.AddSingleton<KeyChangePoller>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyChangePoller>());
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{RateLimitsOptions.SectionName}:Redis"]))
        {
            // The shared limiter's Redis connection (AddKeyRateLimits) also carries key-change fan-out: the admin API
            // publishes 'keys:changed' after a mutation and the poller wakes at once.
            builder.Services.AddHostedService<RedisKeyChangeSubscriber>();
        }
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<KeyVerifier>();
        return builder;
    }
}
