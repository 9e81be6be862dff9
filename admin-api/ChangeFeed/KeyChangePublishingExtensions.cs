using ApiGateway.Keys.RateLimits;
using ApiGateway.Keys.Redis;

namespace ApiGateway.AdminApi.ChangeFeed;

internal static class KeyChangePublishingExtensions
{
    /// <summary>
    /// With <c>RateLimits:Redis</c> set, the process's <see cref="RedisConnection"/>, for <see cref="UseKeyChangePublishing"/>.
    /// It connects in the background, as the gateway's does: an unreachable or hanging Redis (TLS against a plain server)
    /// never holds up start-up or shutdown, and a malformed connection string is reported by the options validation.
    /// </summary>
    public static WebApplicationBuilder AddKeyChangePublishing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration[$"{RateLimitsOptions.SectionName}:{nameof(RateLimitsOptions.Redis)}"];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.AddRedisConnection(connectionString);
        }
        return builder;
    }

    /// <summary>Publishes <c>keys:changed</c> after each successful mutation when Redis is configured; otherwise adds nothing.</summary>
    public static IApplicationBuilder UseKeyChangePublishing(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Asked without resolving it: the connection is made only once the host starts, after its settings are validated.
        var configured = app.ApplicationServices.GetRequiredService<IServiceProviderIsService>().IsService(typeof(RedisConnection));
        return configured ? app.UseMiddleware<KeyChangePublisher>() : app;
    }
}
