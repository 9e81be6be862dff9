using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary>Maps stored keys to their wire records, with usage fetched in one query per page.</summary>
internal static class KeyRecords
{
    public static KeyRecord From(ApiKey key, KeyUsage usage, DateTimeOffset now) => new()
    {
        Id = key.Id,
        Name = key.Name,
        Prefix = key.Prefix,
        Mode = key.Mode.ToWire(),
        WorkspaceId = key.WorkspaceId,
        Workspaces = key.Workspaces,
        Owner = key.Owner,
        Scopes = key.Scopes,
        Tier = key.Tier,
        RateLimit = key.RateLimit is { } r ? new RateLimitBody(r.Limit, r.PeriodSeconds) : null,
        Quota = key.Quota is { } q ? new QuotaBody(q.Daily, q.Monthly) : null,
        AllowedIps = key.AllowedIps,
        CreatedAt = key.CreatedAt,
        CreatedBy = key.CreatedBy,
        ExpiresAt = key.ExpiresAt,
        LastUsedAt = key.LastUsedAt,
        Status = key.StatusAt(now).ToWire(),
        Enabled = key.Enabled,
        LeakedAt = key.LeakedAt,
        LeakSource = key.LeakSource,
        RevokedAt = key.RevokedAt,
        RotatedFrom = key.RotatedFrom,
        RotatedTo = key.RotatedTo,
        Usage = new UsageBody(usage.Last24h, usage.Last7d, usage.Last30d),
    };

    public static async Task<KeyRecord> FromAsync(ApiKey key, KeyServices services, CancellationToken cancellationToken)
    {
        var records = await FromAsync([key], services, cancellationToken);
        return records[0];
    }

    public static async Task<IReadOnlyList<KeyRecord>> FromAsync(IReadOnlyList<ApiKey> keys, KeyServices services, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow();
        var usage = await services.Usage.GetUsageAsync([.. keys.Select(k => k.Id)], now, cancellationToken);
        return [.. keys.Select(k => From(k, usage.GetValueOrDefault(k.Id, KeyUsage.None), now))];
    }
}
