using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>The <c>details</c> JSON of key audit events: what changed, never a secret or a hash.</summary>
internal static class KeyAuditDetails
{
    public static string Created(ApiKey key) => StoreJson.WriteDetails(new()
    {
        ["prefix"] = key.Prefix,
        ["mode"] = key.Mode.ToWire(),
        ["workspaceId"] = key.WorkspaceId,
        ["owner"] = key.Owner,
        ["scopes"] = key.Scopes.ToArray(),
        ["rotatedFrom"] = key.RotatedFrom,
    });

    /// <summary>
    /// <c>fields</c>, then <c>{field}Before</c> and <c>{field}After</c> for each field the update changes (null: none);
    /// <c>enabled</c> is never one: it has its own events.
    /// </summary>
    public static string Updated(ApiKey before, ApiKey after, KeyUpdate update)
    {
        var details = new Dictionary<string, object?> { ["fields"] = update.ChangedFields().ToArray() };
        void Add(string field, bool isSet, Func<ApiKey, object?> value)
        {
            if (isSet)
            {
                details[field + "Before"] = value(before);
                details[field + "After"] = value(after);
            }
        }
        Add("name", update.Name.IsSet, k => k.Name);
        Add("scopes", update.Scopes.IsSet, k => k.Scopes.ToArray());
        Add("tier", update.Tier.IsSet, k => k.Tier);
        Add("rateLimit", update.RateLimit.IsSet, k => k.RateLimit);
        Add("quota", update.Quota.IsSet, k => k.Quota);
        Add("allowedIps", update.AllowedIps.IsSet, k => k.AllowedIps.ToArray());
        Add("expiresAt", update.ExpiresAt.IsSet, k => Time(k.ExpiresAt));
        return StoreJson.WriteDetails(details);
    }

    public static string Rotated(ApiKey successor, DateTimeOffset? oldKeyEndsAt) => StoreJson.WriteDetails(new()
    {
        ["rotatedTo"] = successor.Id,
        ["oldKeyEndsAt"] = Time(oldKeyEndsAt),
    });

    public static string Leaked(LeakReport report, LeakResult result) => StoreJson.WriteDetails(new()
    {
        ["source"] = report.Source,
        ["url"] = report.Url,
        ["result"] = result.ToWire(),
    });

    /// <summary>The admin API's time format: UTC, milliseconds, 'Z'.</summary>
    private static string? Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
