using System.Text.Json;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>The columns of a key row as every provider returns them (aliases in the SELECT), mapped to <see cref="ApiKey"/>.</summary>
internal sealed class KeyRow
{
    public const string Columns =
        "id AS Id, prefix AS Prefix, name AS Name, mode AS Mode, workspace_id AS WorkspaceId, workspaces AS Workspaces, " +
        "owner AS Owner, scopes AS Scopes, tier AS Tier, rate_limit AS RateLimit, quota AS Quota, allowed_ips AS AllowedIps, " +
        "lineage_id AS LineageId, created_at AS CreatedAt, created_by AS CreatedBy, expires_at AS ExpiresAt, " +
        "revoked_at AS RevokedAt, rotated_from AS RotatedFrom, rotated_to AS RotatedTo, last_used_at AS LastUsedAt, " +
        "disabled_at AS DisabledAt, leaked_at AS LeakedAt, leak_source AS LeakSource";

    public const string Insert =
        "INSERT INTO api_keys (id, hash, prefix, name, mode, workspace_id, workspaces, owner, scopes, tier, rate_limit, quota, " +
        "allowed_ips, lineage_id, created_at, created_by, expires_at, revoked_at, rotated_from, rotated_to, disabled_at, leaked_at, leak_source) VALUES " +
        "(@Id, @Hash, @Prefix, @Name, @Mode, @WorkspaceId, @Workspaces, @Owner, @Scopes, @Tier, @RateLimit, @Quota, " +
        "@AllowedIps, @LineageId, @CreatedAt, @CreatedBy, @ExpiresAt, @RevokedAt, @RotatedFrom, @RotatedTo, @DisabledAt, @LeakedAt, @LeakSource)";

    /// <summary>The columns <c>PATCH</c> may change, set from <see cref="Parameters"/>.</summary>
    public const string UpdateMutable =
        "UPDATE api_keys SET name = @Name, scopes = @Scopes, tier = @Tier, rate_limit = @RateLimit, quota = @Quota, " +
        "allowed_ips = @AllowedIps, expires_at = @ExpiresAt, disabled_at = @DisabledAt WHERE id = @Id";

    /// <summary>
    /// The list filter: fixed SQL with optional parameters (<c>@workspaceId</c>, <c>@owner</c>, <c>@status</c>, <c>@now</c>),
    /// so no string is ever spliced in. The status rules match <see cref="ApiKey.StatusAt"/>.
    /// </summary>
    public const string ListFilter =
        " WHERE (@workspaceId IS NULL OR workspace_id = @workspaceId)" +
        " AND (@owner IS NULL OR owner = @owner)" +
        " AND (@status IS NULL" +
        "   OR (@status = 'revoked' AND revoked_at IS NOT NULL AND revoked_at <= @now)" +
        "   OR (@status = 'expired' AND (revoked_at IS NULL OR revoked_at > @now) AND expires_at IS NOT NULL AND expires_at <= @now)" +
        "   OR (@status = 'disabled' AND (revoked_at IS NULL OR revoked_at > @now) AND (expires_at IS NULL OR expires_at > @now) AND disabled_at IS NOT NULL)" +
        "   OR (@status = 'active' AND (revoked_at IS NULL OR revoked_at > @now) AND (expires_at IS NULL OR expires_at > @now) AND disabled_at IS NULL))";

    /// <summary>
    /// The WHERE clause of <paramref name="query"/>: <see cref="ListFilter"/> plus a fixed fragment for each search filter
    /// that is set (left out otherwise, so the prefix range can use <c>ix_api_keys_prefix</c>). Values are parameters only.
    /// </summary>
    public static string ListWhere(KeyQuery query) =>
        ListFilter
        + (query.NameContains is null ? "" : " AND lower(name) LIKE lower(@namePattern) ESCAPE '\\'")
        + (query.PrefixStartsWith is null ? "" : " AND prefix >= @prefixFrom AND prefix < @prefixTo");

    /// <summary>One page of <paramref name="query"/>, newest first, one row more than the limit to tell whether another page follows.</summary>
    public static string ListPage(KeyQuery query) =>
        "SELECT " + Columns + " FROM api_keys" + ListWhere(query)
        + (query.After is null ? "" : " AND (created_at, id) < (@afterAt, @afterId)")
        + " ORDER BY created_at DESC, id DESC LIMIT @limitPlusOne OFFSET @offset";

    public static object ListParameters(KeyQuery query, DateTimeOffset now) => new
    {
        workspaceId = query.WorkspaceId,
        owner = query.Owner,
        status = query.Status?.ToWire(),
        now = UnixMs.From(now),
        namePattern = query.NameContains is { } name ? "%" + EscapeLike(name) + "%" : null,
        prefixFrom = query.PrefixStartsWith,
        // Prefixes are ASCII: every string that starts with the search term sorts below term + DEL (0x7F).
        prefixTo = query.PrefixStartsWith is { } prefix ? prefix + "\u007f" : null,
        afterAt = query.After?.CreatedAtMs,
        afterId = query.After?.Id,
        limitPlusOne = query.Limit + 1,
        offset = query.Offset,
    };

    /// <summary>Cuts the extra row <see cref="ListPage"/> read, and points <see cref="KeyPage.Next"/> at the last kept key.</summary>
    public static KeyPage ToPage(IReadOnlyList<KeyRow> rows, int total, int limit)
    {
        var items = rows.Take(limit).Select(r => r.ToApiKey()).ToArray();
        var next = rows.Count > limit ? new KeyCursor(UnixMs.From(items[^1].CreatedAt), items[^1].Id) : null;
        return new KeyPage(items, total, next);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Active keys of <c>@owner</c> at <c>@now</c>: what the per-owner cap counts.</summary>
    public const string CountActiveByOwner =
        "SELECT COUNT(*) FROM api_keys WHERE owner = @owner " +
        "AND (revoked_at IS NULL OR revoked_at > @now) AND (expires_at IS NULL OR expires_at > @now)";

    public string Id { get; set; } = "";
    public string Prefix { get; set; } = "";
    public string Name { get; set; } = "";
    public string Mode { get; set; } = "";
    public string WorkspaceId { get; set; } = "";
    public string Workspaces { get; set; } = "[]";
    public string? Owner { get; set; }
    public string Scopes { get; set; } = "[]";
    public string? Tier { get; set; }
    public string? RateLimit { get; set; }
    public string? Quota { get; set; }
    public string AllowedIps { get; set; } = "[]";
    public string LineageId { get; set; } = "";
    public long CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public long? ExpiresAt { get; set; }
    public long? RevokedAt { get; set; }
    public string? RotatedFrom { get; set; }
    public string? RotatedTo { get; set; }
    public long? LastUsedAt { get; set; }
    public long? DisabledAt { get; set; }
    public long? LeakedAt { get; set; }
    public string? LeakSource { get; set; }

    public ApiKey ToApiKey() => new()
    {
        Id = Id,
        Prefix = Prefix,
        Name = Name,
        Mode = KeyModeNames.TryParse(Mode, out var mode) ? mode : throw new InvalidDataException($"Key {Id} has an unknown mode."),
        WorkspaceId = WorkspaceId,
        Workspaces = StoreJson.ReadList(Workspaces),
        Owner = Owner,
        Scopes = StoreJson.ReadList(Scopes),
        Tier = Tier,
        RateLimit = RateLimit is null ? null : JsonSerializer.Deserialize(RateLimit, StoreJsonContext.Default.RateLimitOverride),
        Quota = Quota is null ? null : JsonSerializer.Deserialize(Quota, StoreJsonContext.Default.QuotaOverride),
        AllowedIps = StoreJson.ReadList(AllowedIps),
        LineageId = LineageId,
        CreatedAt = UnixMs.ToTime(CreatedAt),
        CreatedBy = CreatedBy,
        ExpiresAt = UnixMs.ToTime(ExpiresAt),
        RevokedAt = UnixMs.ToTime(RevokedAt),
        RotatedFrom = RotatedFrom,
        RotatedTo = RotatedTo,
        LastUsedAt = UnixMs.ToTime(LastUsedAt),
        DisabledAt = UnixMs.ToTime(DisabledAt),
        LeakedAt = UnixMs.ToTime(LeakedAt),
        LeakSource = LeakSource,
    };

    /// <summary>The parameters of an INSERT or UPDATE of every mutable column.</summary>
    public static object Parameters(ApiKey key, byte[]? hash) => new
    {
        key.Id,
        Hash = hash,
        key.Prefix,
        key.Name,
        Mode = key.Mode.ToWire(),
        key.WorkspaceId,
        Workspaces = StoreJson.WriteList(key.Workspaces),
        key.Owner,
        Scopes = StoreJson.WriteList(key.Scopes),
        key.Tier,
        RateLimit = key.RateLimit is null ? null : JsonSerializer.Serialize(key.RateLimit, StoreJsonContext.Default.RateLimitOverride),
        Quota = key.Quota is null ? null : JsonSerializer.Serialize(key.Quota, StoreJsonContext.Default.QuotaOverride),
        AllowedIps = StoreJson.WriteList(key.AllowedIps),
        key.LineageId,
        CreatedAt = UnixMs.From(key.CreatedAt),
        key.CreatedBy,
        ExpiresAt = UnixMs.From(key.ExpiresAt),
        RevokedAt = UnixMs.From(key.RevokedAt),
        key.RotatedFrom,
        key.RotatedTo,
        DisabledAt = UnixMs.From(key.DisabledAt),
        LeakedAt = UnixMs.From(key.LeakedAt),
        key.LeakSource,
    };
}
