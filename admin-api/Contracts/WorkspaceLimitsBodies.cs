namespace ApiGateway.AdminApi.Contracts;

/// <summary>
/// <c>PUT /v1/workspaces/{workspaceId}/limits</c>: each field as on a key (null or absent: none), at least one set.
/// </summary>
public sealed record WorkspaceLimitsRequest
{
    public string? Tier { get; init; }
    public RateLimitRequest? RateLimit { get; init; }
    public QuotaRequest? Quota { get; init; }
}

/// <summary>A workspace's limits as the admin API shows them; <c>updatedBy</c> is the id of the admin credential that set them.</summary>
public sealed record WorkspaceLimitsRecord(
    string WorkspaceId, string? Tier, RateLimitBody? RateLimit, QuotaBody? Quota, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public static WorkspaceLimitsRecord From(Keys.Model.WorkspaceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return new(limits.WorkspaceId, limits.Tier,
            limits.RateLimit is { } r ? new RateLimitBody(r.Limit, r.PeriodSeconds) : null,
            limits.Quota is { } q ? new QuotaBody(q.Daily, q.Monthly) : null,
            limits.UpdatedAt, limits.UpdatedBy);
    }
}
