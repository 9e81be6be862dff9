using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.RateLimits;
using ApiGateway.Keys.Redis;

namespace ApiGateway.AdminApi.ChangeFeed;

internal static class KeyChangePublishingExtensions
{
    /// <summary>
    /// With <c>RateLimits:Redis</c> set, the process's <see cref="RedisConnection"/> and a <see cref="KeyChangePublisher"/>
    /// told of each committed key mutation; without it, adds nothing. The connection is made in the background, as the
    /// gateway's is: an unreachable or hanging Redis (TLS against a plain server) never holds up start-up or shutdown, and
    /// a malformed connection string is reported by the options validation.
    /// </summary>
    public static WebApplicationBuilder AddKeyChangePublishing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration[$"{RateLimitsOptions.SectionName}:{nameof(RateLimitsOptions.Redis)}"];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.AddRedisConnection(connectionString);
            builder.Services.AddSingleton<IKeyMutationListener, KeyChangePublisher>();
        }
        return builder;
    }
}
