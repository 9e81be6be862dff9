using ApiGateway.Gateway.Metrics;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys;
using ApiGateway.Keys.Redis;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class RedisRateLimitingExtensionsTests
{
    [Fact]
    public async Task Start_MalformedRedisConnectionString_FailsValidationNamingTheSetting()
    {
        // The hosted Redis connection is built before options are validated: it once threw the parser's bare
        // ArgumentOutOfRangeException ("Keyword 'ssl' requires a boolean value") instead of the validation message.
        using var database = new TempDatabase();
        await using var app = Build(database, "127.0.0.1:6379,ssl=maybe");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith("RateLimits:Redis is not a valid StackExchange.Redis connection string", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSharedLimiter_RedisConfigured_RegistersOneConnectionForLimitsAndKeyChanges()
    {
        using var database = new TempDatabase();
        await using var app = Build(database, "127.0.0.1:1");

        Assert.IsType<RedisKeyRateLimiter>(app.Services.GetRequiredService<IKeyRateLimiter>());
        Assert.Same(app.Services.GetRequiredService<RedisConnection>(), app.Services.GetServices<IHostedService>().OfType<RedisConnection>().Single());
        Assert.True(app.Services.GetRequiredService<SharedLimiterMode>().IsShared);
    }

    [Fact]
    public async Task AddSharedLimiter_NoRedis_KeepsTheLocalLimiter()
    {
        using var database = new TempDatabase();
        await using var app = Build(database, null);

        Assert.IsType<LocalKeyRateLimiter>(app.Services.GetRequiredService<IKeyRateLimiter>());
        Assert.Null(app.Services.GetService<RedisConnection>());
        Assert.False(app.Services.GetRequiredService<SharedLimiterMode>().IsShared);
    }

    private static WebApplication Build(TempDatabase database, string? redis)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:KeyStore"] = database.ConnectionString;
        builder.Configuration["RateLimits:Redis"] = redis;
        builder.Services.AddKeyStore(builder.Configuration);
        builder.AddGatewayTelemetry();
        builder.AddKeyRateLimits();
        return builder.Build();
    }
}
