using StackExchange.Redis;

namespace ApiGateway.AdminApi.ChangeFeed;

internal static class KeyChangePublishingExtensions
{
    /// <summary>Connects to <c>RateLimits:Redis</c> when set (never blocking the start on it), for <see cref="UseKeyChangePublishing"/>.</summary>
    public static WebApplicationBuilder AddKeyChangePublishing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration["RateLimits:Redis"];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(connectionString);
                options.AbortOnConnectFail = false;
                options.BacklogPolicy = BacklogPolicy.FailFast;
                options.ConnectTimeout = 1000;
                return ConnectionMultiplexer.Connect(options);
            });
        }
        return builder;
    }

    /// <summary>Publishes <c>keys:changed</c> after each successful mutation when Redis is configured; otherwise adds nothing.</summary>
    public static IApplicationBuilder UseKeyChangePublishing(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ApplicationServices.GetService<IConnectionMultiplexer>() is null ? app : app.UseMiddleware<KeyChangePublisher>();
    }
}
