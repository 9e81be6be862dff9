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

    public static string Updated(ApiKey before, ApiKey after, KeyUpdate update)
    {
        var details = new Dictionary<string, object?> { ["fields"] = update.ChangedFields().ToArray() };
        if (update.Scopes.IsSet)
        {
            details["scopesBefore"] = before.Scopes.ToArray();
            details["scopesAfter"] = after.Scopes.ToArray();
        }
        return StoreJson.WriteDetails(details);
    }

    public static string Rotated(ApiKey successor, DateTimeOffset? oldKeyEndsAt) => StoreJson.WriteDetails(new()
    {
        ["rotatedTo"] = successor.Id,
        // The admin API's time format: UTC, milliseconds, 'Z'.
        ["oldKeyEndsAt"] = oldKeyEndsAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
    });
}
