using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.RateLimits;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class RateLimitPolicyResolverTests
{
    private readonly TestOptionsMonitor<RateLimitsOptions> _options = new(RateLimitTestData.Options());

    [Fact]
    public void Resolve_NoTier_UsesDefaultTier()
    {
        using var resolver = new RateLimitPolicyResolver(_options);

        var policy = resolver.Resolve(RateLimitTestData.Key());

        Assert.Equal(("free", 100, 60, 10_000L, (long?)null), (policy.Name, policy.Limit, policy.PeriodSeconds, policy.Daily, policy.Monthly));
    }

    [Fact]
    public void Resolve_TierNamedInOtherCase_UsesThatTier()
    {
        using var resolver = new RateLimitPolicyResolver(_options);

        Assert.Equal("pro", resolver.Resolve(RateLimitTestData.Key(tier: "PRO")).Name);
        Assert.Equal("enterprise", resolver.Resolve(RateLimitTestData.Key(tier: "enterprise")).Name);
    }

    [Fact]
    public void Resolve_UnknownTier_FallsBackToDefault()
    {
        using var resolver = new RateLimitPolicyResolver(_options);

        Assert.Equal("free", resolver.Resolve(RateLimitTestData.Key(tier: "removed")).Name);
    }

    [Fact]
    public void Resolve_RateLimitOverride_IsNamedKeyAndKeepsTierQuota()
    {
        using var resolver = new RateLimitPolicyResolver(_options);

        var policy = resolver.Resolve(RateLimitTestData.Key(tier: "pro", rateLimit: new RateLimitOverride(5, 10)));

        Assert.Equal(("key", 5, 10, 1_000_000L, (long?)null), (policy.Name, policy.Limit, policy.PeriodSeconds, policy.Daily, policy.Monthly));
    }

    [Fact]
    public void Resolve_QuotaOverride_ReplacesEachGivenField()
    {
        using var resolver = new RateLimitPolicyResolver(_options);

        var monthlyOnly = resolver.Resolve(RateLimitTestData.Key(quota: new QuotaOverride(null, 500)));
        var dailyOnly = resolver.Resolve(RateLimitTestData.Key(tier: "enterprise", quota: new QuotaOverride(7, null)));

        Assert.Equal(("free", 10_000L, 500L), (monthlyOnly.Name, monthlyOnly.Daily, monthlyOnly.Monthly));
        Assert.Equal(("enterprise", 7L, (long?)null), (dailyOnly.Name, dailyOnly.Daily, dailyOnly.Monthly));
    }

    [Fact]
    public void Resolve_ConfigReloaded_UsesNewTiers()
    {
        using var resolver = new RateLimitPolicyResolver(_options);

        _options.Set(RateLimitTestData.Options(o =>
        {
            o.Tiers["gold"] = new TierOptions { Limit = 7, PeriodSeconds = 1 };
            o.DefaultTier = "gold";
        }));

        Assert.Equal("gold", resolver.Resolve(RateLimitTestData.Key()).Name);
        Assert.Equal(7, resolver.Resolve(RateLimitTestData.Key(tier: "gold")).Limit);
    }

    [Fact]
    public void Resolve_KeyWithOwnLimits_BuildsItsPolicyOncePerKeyRecord()
    {
        using var resolver = new RateLimitPolicyResolver(_options);
        var key = RateLimitTestData.Key(tier: "pro", rateLimit: new RateLimitOverride(5, 10), quota: new QuotaOverride(50, null));

        var first = resolver.Resolve(key);

        Assert.Same(first, resolver.Resolve(key));
        // A changed key reaches the resolver as a new record: its own policy, never the old one.
        var changed = resolver.Resolve(key with { RateLimit = new RateLimitOverride(6, 10) });
        Assert.NotSame(first, changed);
        Assert.Equal(6, changed.Limit);
    }

    [Fact]
    public void Resolve_KeyWithOwnQuotaAfterTierReload_TakesTheNewTierValues()
    {
        using var resolver = new RateLimitPolicyResolver(_options);
        var key = RateLimitTestData.Key(tier: "pro", quota: new QuotaOverride(50, null));
        var before = resolver.Resolve(key);

        _options.Set(RateLimitTestData.Options(o => o.Tiers["pro"] = new TierOptions { Limit = 3, PeriodSeconds = 1 }));
        var after = resolver.Resolve(key);

        Assert.Equal((1000, 60), (before.Limit, before.PeriodSeconds));
        Assert.Equal((3, 1, 50L), (after.Limit, after.PeriodSeconds, after.Daily));
    }
}
