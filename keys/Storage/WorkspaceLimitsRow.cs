using System.Text.Json;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>The columns of a <c>workspace_limits</c> row as every provider returns them, mapped to <see cref="WorkspaceLimits"/>.</summary>
internal sealed class WorkspaceLimitsRow
{
    public const string Columns =
        "workspace_id AS WorkspaceId, tier AS Tier, rate_limit AS RateLimit, quota AS Quota, updated_at AS UpdatedAt, updated_by AS UpdatedBy";

    public const string SelectOne = "SELECT " + Columns + " FROM workspace_limits WHERE workspace_id = @workspaceId";

    /// <summary>One row per workspace: a second PUT replaces the first.</summary>
    public const string Upsert =
        "INSERT INTO workspace_limits (workspace_id, tier, rate_limit, quota, updated_at, updated_by) " +
        "VALUES (@WorkspaceId, @Tier, @RateLimit, @Quota, @UpdatedAt, @UpdatedBy) " +
        "ON CONFLICT (workspace_id) DO UPDATE SET tier = excluded.tier, rate_limit = excluded.rate_limit, quota = excluded.quota, " +
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by";

    /// <summary>One page in workspace id order, one row more than the limit to tell whether another page follows.</summary>
    public static string ListPage(bool after) =>
        "SELECT " + Columns + " FROM workspace_limits"
        + (after ? " WHERE workspace_id > @after" : "")
        + " ORDER BY workspace_id LIMIT @limitPlusOne OFFSET @offset";

    public string WorkspaceId { get; set; } = "";
    public string? Tier { get; set; }
    public string? RateLimit { get; set; }
    public string? Quota { get; set; }
    public long UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public WorkspaceLimits ToLimits() => new()
    {
        WorkspaceId = WorkspaceId,
        Tier = Tier,
        RateLimit = RateLimit is null ? null : JsonSerializer.Deserialize(RateLimit, StoreJsonContext.Default.RateLimitOverride),
        Quota = Quota is null ? null : JsonSerializer.Deserialize(Quota, StoreJsonContext.Default.QuotaOverride),
        UpdatedAt = UnixMs.ToTime(UpdatedAt),
        UpdatedBy = UpdatedBy,
    };

    public static object Parameters(WorkspaceLimits limits) => new
    {
        limits.WorkspaceId,
        limits.Tier,
        RateLimit = limits.RateLimit is null ? null : JsonSerializer.Serialize(limits.RateLimit, StoreJsonContext.Default.RateLimitOverride),
        Quota = limits.Quota is null ? null : JsonSerializer.Serialize(limits.Quota, StoreJsonContext.Default.QuotaOverride),
        UpdatedAt = UnixMs.From(limits.UpdatedAt),
        limits.UpdatedBy,
    };

    /// <summary>The <c>details</c> of a <c>workspace.limits_updated</c> event: the workspace and the limits it now has.</summary>
    public static string UpdatedDetails(WorkspaceLimits limits) => StoreJson.WriteDetails(new()
    {
        ["workspaceId"] = limits.WorkspaceId,
        ["tier"] = limits.Tier,
        ["rateLimit"] = limits.RateLimit,
        ["quota"] = limits.Quota,
    });

    public static string RemovedDetails(string workspaceId) => StoreJson.WriteDetails(new() { ["workspaceId"] = workspaceId });
}
