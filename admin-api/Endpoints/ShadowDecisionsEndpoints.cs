using System.Globalization;
using ApiGateway.AdminApi.Authentication;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary>
/// <c>GET /v1/shadow-decisions</c>: which keys the gateways' shadow routes file (<c>Gateway:ShadowRoutesFile</c>) would
/// refuse or newly allow, per live route, from what the gateways report in batches (docs/admin-api.md).
/// </summary>
internal static class ShadowDecisionsEndpoints
{
    /// <summary>Rows listed at most (route × outcome × key); past it the report says <c>truncated</c>.</summary>
    public const int MaxRows = 1000;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    public static RouteGroupBuilder MapShadowDecisions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/shadow-decisions").RequireAuthorization(AdminPolicies.ManageKeys).WithTags("Shadow routes")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListAsync).WithName("ListShadowDecisions")
            .WithSummary("Keys the shadow routes file would refuse or newly allow, per live route")
            .WithDescription("From the gateways' reports (written in batches, visible within Usage:FlushSeconds). `since` (ISO-8601, default 24 hours ago) keeps hours with a difference at or after it; `route` and `outcome` (`would_refuse` or `would_allow`) filter.");
        return group;
    }

    internal static async Task<Results<Ok<ShadowDecisionsReport>, ValidationProblem>> ListAsync(
        string? route, string? outcome, string? since, IShadowDecisionStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (route is not null && (route.Length is 0 or > 200))
        {
            errors.Add("route", "route must be a route id of 1-200 characters.");
        }
        if (outcome is not null && !ShadowOutcomeNames.IsKnown(outcome))
        {
            errors.Add("outcome", $"outcome must be '{ShadowOutcomeNames.WouldRefuse}' or '{ShadowOutcomeNames.WouldAllow}'.");
        }
        var from = time.GetUtcNow() - DefaultWindow;
        if (since is not null && !DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out from))
        {
            errors.Add("since", "since must be an ISO-8601 time, e.g. 2026-01-01T00:00:00Z.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var rows = await store.ListAsync(new ShadowDecisionQuery(route, outcome, from, MaxRows + 1), cancellationToken);
        var routes = rows.Take(MaxRows)
            .GroupBy(r => (r.Route, r.Outcome))
            .Select(g => new ShadowRouteDecisions(g.Key.Route, g.Key.Outcome,
                [.. g.Select(r => new ShadowKeyDecisions(r.KeyId, r.KeyName, r.WorkspaceId, r.Count, r.LastSeenAt))]))
            .ToList();
        return TypedResults.Ok(new ShadowDecisionsReport(from, routes, rows.Count > MaxRows));
    }
}
