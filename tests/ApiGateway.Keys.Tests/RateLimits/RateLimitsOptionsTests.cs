using ApiGateway.Keys.RateLimits;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.Tests.RateLimits;

public sealed class RateLimitsOptionsTests
{
    [Fact]
    public void Tiers_NameInAnotherCase_IsTheSameTier()
    {
        // Configuration keys are case-insensitive, so tier names are too: both processes find "Pro" as the tier "pro".
        var options = Bind(new()
        {
            ["RateLimits:DefaultTier"] = "pro",
            ["RateLimits:Tiers:pro:Limit"] = "10",
            ["RateLimits:Tiers:pro:PeriodSeconds"] = "1",
        });

        Assert.True(options.Tiers.ContainsKey("Pro"));
        Assert.True(options.Tiers.ContainsKey("PRO"));
        Assert.Equal(10, options.Tiers["Pro"].Limit);
    }

    [Fact]
    public void Tiers_EnvironmentOverrideInAnotherCase_ChangesTheConfiguredTier()
    {
        var options = Bind(
            new() { ["RateLimits:Tiers:free:Limit"] = "100", ["RateLimits:Tiers:free:PeriodSeconds"] = "60" },
            new() { ["RateLimits:Tiers:FREE:Limit"] = "5" }); // appsettings.json, then RateLimits__Tiers__FREE__Limit=5

        var tier = Assert.Single(options.Tiers);
        Assert.Equal(5, tier.Value.Limit);
        Assert.Equal(60, tier.Value.PeriodSeconds);
    }

    [Fact]
    public void AddRateLimitsOptions_NoTiersConfigured_UsesTheShippedTiers()
    {
        var options = Bind([]);

        Assert.Equal(["enterprise", "free", "pro"], options.Tiers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("free", options.DefaultTier);
    }

    [Fact]
    public void AddRateLimitsOptions_InvalidSection_FailsNamingEverySetting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["RateLimits:Tiers:free:Limit"] = "0",
            ["RateLimits:Tiers:free:PeriodSeconds"] = "60",
            ["RateLimits:DefaultTier"] = "gold",
        }));

        Assert.Equal(
            ["RateLimits:Tiers:free:Limit must be at least 1 (was 0).", "RateLimits:DefaultTier 'gold' is not a tier in RateLimits:Tiers."],
            error.Failures);
    }

    [Fact]
    public void FailsClosed_ClosedInAnyCase_IsTrue()
    {
        Assert.True(new TierOptions { RedisFailure = "Closed" }.FailsClosed);
        Assert.False(new TierOptions().FailsClosed);
    }

    /// <summary>Binds <paramref name="settings"/>, then <paramref name="overrides"/> as a later configuration source.</summary>
    private static RateLimitsOptions Bind(Dictionary<string, string?> settings, Dictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(settings).AddInMemoryCollection(overrides ?? []);
        var configuration = builder.Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddRateLimitsOptions().BuildServiceProvider();
        return services.GetRequiredService<IOptions<RateLimitsOptions>>().Value;
    }
}
