using System.Net;
using System.Net.Sockets;
using ApiGateway.Keys.RateLimits;
using ApiGateway.Keys.Scopes;

namespace ApiGateway.AdminApi.Validation;

/// <summary>The rule for each key field (docs/admin-api.md "Mint a key"); each adds its failures under the field's name.</summary>
internal static class KeyFieldRules
{
    public const int MaxNameLength = 100;
    public const int MaxOwnerLength = 200;
    public const int MaxWorkspaceIdLength = 100;
    public const int MaxListItems = 100;
    public const int MaxExpiresInDays = KeyLifetime.MaxDays;
    public const int MaxRateLimit = 10_000_000;
    public const int MaxPeriodSeconds = 86_400;
    public const long MaxQuota = 1_000_000_000_000;

    public static string? Text(string field, string? value, int maxLength, bool required, ValidationErrors errors)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required.");
            }
            return null;
        }
        if (value.Length == 0 || value.Length > maxLength || string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, $"{field} must be 1-{maxLength} characters, not all blank.");
        }
        else if (!TextCharacters.IsDisplaySafe(value))
        {
            errors.Add(field, $"{field} must not contain control characters, line separators or bidirectional formatting characters (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C).");
        }
        return value;
    }

    /// <summary>
    /// A value the gateway forwards in a header (<c>owner</c> as <c>X-Api-Key-Owner</c>): 1-<paramref name="maxLength"/>
    /// visible ASCII characters, <c>!</c> to <c>~</c> (docs/gateway.md "Upstream"), so every forward can send it.
    /// </summary>
    public static string? HeaderValue(string field, string? value, int maxLength, ValidationErrors errors)
    {
        if (value is not null && !IsHeaderValue(value, maxLength))
        {
            errors.Add(field, $"{field} must be 1-{maxLength} visible ASCII characters ('!' to '~': no spaces, accents or other scripts); it is sent upstream as a header.");
        }
        return value;
    }

    public static bool IsHeaderValue(string value, int maxLength) =>
        value.Length is > 0 && value.Length <= maxLength && TextCharacters.IsVisibleAscii(value);

    public static bool IsWorkspaceId(string? value) =>
        value is { Length: > 0 and <= MaxWorkspaceIdLength } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ':' or '-');

    public static string? WorkspaceId(string? value, ValidationErrors errors)
    {
        if (value is null)
        {
            errors.Add("workspaceId", "workspaceId is required.");
        }
        else if (!IsWorkspaceId(value))
        {
            errors.Add("workspaceId", $"workspaceId must be 1-{MaxWorkspaceIdLength} characters of A-Z, a-z, 0-9, '_', '.', ':' and '-'.");
        }
        return value;
    }

    public static string[] Workspaces(IReadOnlyList<string?>? values, ValidationErrors errors)
    {
        var list = List("workspaces", values, errors);
        foreach (var bad in list.Where(w => !IsWorkspaceId(w)))
        {
            errors.Add("workspaces", $"'{bad}' is not a workspace id (1-{MaxWorkspaceIdLength} characters of A-Z, a-z, 0-9, '_', '.', ':' and '-').");
        }
        return list;
    }

    /// <summary>A key's scopes, or (<paramref name="field"/> <c>allowedScopes</c>) what a portal session may offer: the same catalogue rule.</summary>
    public static string[] Scopes(IReadOnlyList<string?>? values, ScopeCatalogue catalogue, ValidationErrors errors, string field = "scopes")
    {
        if (values is null || values.Count == 0)
        {
            errors.Add(field, $"{field} must list at least one scope.");
            return [];
        }
        var list = List(field, values, errors);
        foreach (var scope in list.Where(s => !catalogue.Allows(s)))
        {
            errors.Add(field, ScopeGrammar.IsConcrete(scope)
                ? $"'{scope}' is not in the scope catalogue the routes file defines."
                : $"'{scope}' is not a scope: use a lowercase resource:action the routes file defines, '*' or '*:read'.");
        }
        return list;
    }

    public static string[] AllowedIps(IReadOnlyList<string?>? values, ValidationErrors errors)
    {
        var list = List("allowedIps", values, errors);
        foreach (var bad in list.Where(ip => !IsIpOrCidr(ip)))
        {
            errors.Add("allowedIps", $"'{bad}' is not an IP address or CIDR (with zero host bits, e.g. 10.0.0.0/24).");
        }
        return list;
    }

    public static DateTimeOffset? Expiry(DateTimeOffset? expiresAt, int? expiresInDays, DateTimeOffset now, ValidationErrors errors)
    {
        if (expiresAt is not null && expiresInDays is not null)
        {
            errors.Add("expiresInDays", "Give expiresAt or expiresInDays, not both.");
            return null;
        }
        if (expiresInDays is { } days)
        {
            if (days is < 1 or > MaxExpiresInDays)
            {
                errors.Add("expiresInDays", $"expiresInDays must be 1-{MaxExpiresInDays}.");
                return null;
            }
            return now.AddDays(days);
        }
        return FutureTime(expiresAt, now, errors);
    }

    public static DateTimeOffset? FutureTime(DateTimeOffset? expiresAt, DateTimeOffset now, ValidationErrors errors)
    {
        if (expiresAt is { } at && at <= now)
        {
            errors.Add("expiresAt", "expiresAt must be in the future.");
        }
        else if (expiresAt > KeyLifetime.Latest(now))
        {
            errors.Add("expiresAt", $"expiresAt must be at most {KeyLifetime.MaxDays} days (10 years) from now.");
        }
        return expiresAt;
    }

    public static RateLimitOverride? RateLimit(RateLimitRequest? value, ValidationErrors errors)
    {
        if (value is null)
        {
            return null;
        }
        var limit = Range("rateLimit.limit", value.Limit, 1, MaxRateLimit, errors);
        var period = Range("rateLimit.periodSeconds", value.PeriodSeconds, 1, MaxPeriodSeconds, errors);
        return new RateLimitOverride((int)limit, (int)period);
    }

    public static QuotaOverride? Quota(QuotaRequest? value, ValidationErrors errors)
    {
        if (value is null)
        {
            return null;
        }
        if (value.Daily is null && value.Monthly is null)
        {
            errors.Add("quota", "quota needs daily and/or monthly.");
            return null;
        }
        if (value.Daily is not null)
        {
            Range("quota.daily", value.Daily, 1, MaxQuota, errors);
        }
        if (value.Monthly is not null)
        {
            Range("quota.monthly", value.Monthly, 1, MaxQuota, errors);
        }
        return new QuotaOverride(value.Daily, value.Monthly);
    }

    public static string? Tier(string? tier, RateLimitsOptions options, ValidationErrors errors)
    {
        // Exact case (docs/admin-api.md), as the API takes every value as spelled (mode, scopes): a stored tier is always
        // the configured name. The tiers themselves compare case-insensitively, like configuration keys, and so does the gateway.
        if (tier is not null && !options.Tiers.Keys.Contains(tier, StringComparer.Ordinal))
        {
            errors.Add("tier", $"'{tier}' is not a configured tier; use one of: {string.Join(", ", options.Tiers.Keys.Order(StringComparer.Ordinal))}.");
        }
        return tier;
    }

    private static long Range(string field, long? value, long min, long max, ValidationErrors errors)
    {
        if (value is null)
        {
            errors.Add(field, $"{field} is required.");
            return 0;
        }
        if (value < min || value > max)
        {
            errors.Add(field, $"{field} must be an integer from {min} to {max}.");
        }
        return value.Value;
    }

    /// <summary>A list without nulls or duplicates, at most <see cref="MaxListItems"/> long.</summary>
    private static string[] List(string field, IReadOnlyList<string?>? values, ValidationErrors errors)
    {
        if (values is null)
        {
            return [];
        }
        if (values.Count > MaxListItems)
        {
            errors.Add(field, $"{field} may list at most {MaxListItems} entries.");
        }
        if (values.Any(v => v is null))
        {
            errors.Add(field, $"{field} must not contain null.");
        }
        return [.. values.OfType<string>().Distinct(StringComparer.Ordinal)];
    }

    private static bool IsIpOrCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(address, out var parsed) || address.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }
        // IPAddress.TryParse also takes "10.1" and "1"; an allow-list entry must be written out.
        if (parsed.AddressFamily == AddressFamily.InterNetwork && parsed.ToString() != address)
        {
            return false;
        }
        // Host bits must be zero: "10.0.0.1/24" is ambiguous (the host or the network?), so it is refused.
        return slash < 0 || (IPNetwork.TryParse(text, out var network) && network.BaseAddress.Equals(parsed));
    }
}
