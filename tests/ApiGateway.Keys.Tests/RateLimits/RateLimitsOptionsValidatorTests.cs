using ApiGateway.Keys.RateLimits;

namespace ApiGateway.Keys.Tests.RateLimits;

public sealed class RateLimitsOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(new RateLimitsOptionsValidator().Validate(null, Options()).Succeeded);
    }

    [Fact]
    public void Validate_MalformedRedisConnectionString_FailsAtStartNamingTheSetting()
    {
        var options = Options(o => o.Redis = "127.0.0.1:6379,ssl=maybe");

        var result = new RateLimitsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.StartsWith("RateLimits:Redis is not a valid StackExchange.Redis connection string", Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_ManyProblems_ListsEveryOne()
    {
        var options = Options(o =>
        {
            o.DefaultTier = "gold";
            o.QuotaFlushSeconds = 0;
            o.Tiers["free"] = new TierOptions { Limit = 0, PeriodSeconds = -1, Daily = 0, Monthly = 0 };
            o.Tiers["key"] = new TierOptions { Limit = 1, PeriodSeconds = 1 };
            o.Tiers["bad name"] = new TierOptions { Limit = 1, PeriodSeconds = 1 };
        });

        var result = new RateLimitsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "RateLimits:Tiers:free:Limit must be at least 1 (was 0).",
                "RateLimits:Tiers:free:PeriodSeconds must be at least 1 (was -1).",
                "RateLimits:Tiers:free:Daily must be at least 1 when set (was 0).",
                "RateLimits:Tiers:free:Monthly must be at least 1 when set (was 0).",
                "RateLimits:Tiers:key: 'key' is reserved (it names a per-key override, a quota or a workspace limit in the RateLimit headers).",
                "RateLimits:Tiers:bad name: the tier name must be 1-64 characters of a-z, A-Z, 0-9, '_', '-' or '.'.",
                "RateLimits:DefaultTier 'gold' is not a tier in RateLimits:Tiers.",
                "RateLimits:QuotaFlushSeconds must be at least 1 (was 0).",
            ],
            result.Failures);
    }

    [Theory]
    [InlineData("workspace")]
    [InlineData("workspace-daily")]
    [InlineData("Workspace-Monthly")]
    public void Validate_WorkspaceItemNameAsTier_RefusedAsReserved(string name)
    {
        var options = Options(o => o.Tiers[name] = new TierOptions { Limit = 1, PeriodSeconds = 1 });

        var result = new RateLimitsOptionsValidator().Validate(null, options);

        Assert.Contains($"RateLimits:Tiers:{name}: '{name}' is reserved (it names a per-key override, a quota or a workspace limit in the RateLimit headers).", result.Failures!);
    }

    [Fact]
    public void Validate_UnknownRedisFailure_NamesTheSetting()
    {
        var options = Options(o => o.Tiers["free"].RedisFailure = "sometimes");

        var result = new RateLimitsOptionsValidator().Validate(null, options);

        Assert.Contains("RateLimits:Tiers:free:RedisFailure must be 'open' or 'closed' (was 'sometimes').", result.Failures!);
        Assert.True(new RateLimitsOptionsValidator().Validate(null, Options(o => o.Tiers["free"].RedisFailure = "CLOSED")).Succeeded);
    }

    [Fact]
    public void Validate_NoTiers_Fails()
    {
        var result = new RateLimitsOptionsValidator().Validate(null, new RateLimitsOptions());

        Assert.Contains("RateLimits:Tiers must define at least one tier.", result.Failures!);
        Assert.Contains("RateLimits:DefaultTier 'free' is not a tier in RateLimits:Tiers.", result.Failures!);
    }

    [Fact]
    public void UseDefaultTiersIfNone_NoTiersConfigured_AddsTheShippedTiers()
    {
        var options = new RateLimitsOptions();

        options.UseDefaultTiersIfNone();

        Assert.True(new RateLimitsOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(["enterprise", "free", "pro"], options.Tiers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(10_000, options.Tiers["free"].Daily);
    }

    [Fact]
    public void UseDefaultTiersIfNone_TiersConfigured_LeavesThemAlone()
    {
        var options = new RateLimitsOptions { DefaultTier = "gold" };
        options.Tiers["gold"] = new TierOptions { Limit = 1, PeriodSeconds = 1 };

        options.UseDefaultTiersIfNone();

        Assert.Equal(["gold"], options.Tiers.Keys);
    }

    /// <summary>The shipped tiers, changed by <paramref name="configure"/>.</summary>
    private static RateLimitsOptions Options(Action<RateLimitsOptions>? configure = null)
    {
        var options = new RateLimitsOptions();
        options.UseDefaultTiersIfNone();
        configure?.Invoke(options);
        return options;
    }
}
