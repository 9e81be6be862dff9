using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.RateLimits;

/// <summary>Checks the whole <c>RateLimits</c> section and reports every problem at once, each naming its setting.</summary>
public sealed class RateLimitsOptionsValidator : IValidateOptions<RateLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Tiers.Count == 0)
        {
            failures.Add("RateLimits:Tiers must define at least one tier.");
        }
        foreach (var (tierName, tier) in options.Tiers)
        {
            var at = $"RateLimits:Tiers:{tierName}";
            if (!TierNames.IsValid(tierName))
            {
                failures.Add($"{at}: the tier name must be 1-64 characters of a-z, A-Z, 0-9, '_', '-' or '.'.");
            }
            else if (TierNames.IsReserved(tierName))
            {
                failures.Add($"{at}: '{tierName}' is reserved (it names a per-key override, a quota or a workspace limit in the RateLimit headers).");
            }
            if (tier is null)
            {
                failures.Add($"{at}: the tier has no settings.");
                continue;
            }
            if (tier.Limit < 1)
            {
                failures.Add($"{at}:Limit must be at least 1 (was {tier.Limit}).");
            }
            if (tier.PeriodSeconds < 1)
            {
                failures.Add($"{at}:PeriodSeconds must be at least 1 (was {tier.PeriodSeconds}).");
            }
            if (tier.Daily is < 1)
            {
                failures.Add($"{at}:Daily must be at least 1 when set (was {tier.Daily}).");
            }
            if (!string.Equals(tier.RedisFailure, TierOptions.RedisFailureOpen, StringComparison.OrdinalIgnoreCase) && !tier.FailsClosed)
            {
                failures.Add($"{at}:RedisFailure must be 'open' or 'closed' (was '{tier.RedisFailure}').");
            }
            if (tier.Monthly is < 1)
            {
                failures.Add($"{at}:Monthly must be at least 1 when set (was {tier.Monthly}).");
            }
        }
        if (string.IsNullOrWhiteSpace(options.DefaultTier))
        {
            failures.Add("RateLimits:DefaultTier must be set.");
        }
        else if (!options.Tiers.ContainsKey(options.DefaultTier))
        {
            failures.Add($"RateLimits:DefaultTier '{options.DefaultTier}' is not a tier in RateLimits:Tiers.");
        }
        if (!string.IsNullOrWhiteSpace(options.Redis))
        {
            try
            {
                _ = StackExchange.Redis.ConfigurationOptions.Parse(options.Redis);
            }
            catch (ArgumentException ex)
            {
                // The parser names the bad option; the string itself may hold a password, so it is not repeated.
                failures.Add($"RateLimits:Redis is not a valid StackExchange.Redis connection string: {ex.Message}");
            }
        }
        if (options.QuotaFlushSeconds < 1)
        {
            failures.Add($"RateLimits:QuotaFlushSeconds must be at least 1 (was {options.QuotaFlushSeconds}).");
        }
        if (options.IdleSeconds < 1)
        {
            failures.Add($"RateLimits:IdleSeconds must be at least 1 (was {options.IdleSeconds}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
