using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.RateLimits;

namespace ApiGateway.Gateway.Tests.RateLimiting;

internal static class RateLimitTestData
{
    public static RateLimitsOptions Options(Action<RateLimitsOptions>? configure = null)
    {
        var options = new RateLimitsOptions { DefaultTier = "free" };
        options.Tiers["free"] = new TierOptions { Limit = 100, PeriodSeconds = 60, Daily = 10_000 };
        options.Tiers["pro"] = new TierOptions { Limit = 1000, PeriodSeconds = 60, Daily = 1_000_000 };
        options.Tiers["enterprise"] = new TierOptions { Limit = 10_000, PeriodSeconds = 60 };
        configure?.Invoke(options);
        return options;
    }

    public static ApiKey Key(string? tier = null, RateLimitOverride? rateLimit = null, QuotaOverride? quota = null, string? lineageId = null) => new()
    {
        Id = Ids.New("key"),
        Name = "test",
        Prefix = "agw_live_0000000",
        Mode = KeyMode.Live,
        WorkspaceId = "ws_1",
        Scopes = ["*"],
        Tier = tier,
        RateLimit = rateLimit,
        Quota = quota,
        LineageId = lineageId ?? Ids.New("lin"),
        CreatedAt = DateTimeOffset.UnixEpoch,
        CreatedBy = "test",
    };
}
