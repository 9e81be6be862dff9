using System.Security.Claims;
using ApiGateway.AdminApi.Authentication;
using ApiGateway.AdminApi.Problems;
using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary>
/// <c>/v1/workspaces</c>: limits a workspace sets on top of each key's own (owners and admins). Every change goes through
/// <see cref="WorkspaceLimitsService"/> (rules in the write transaction, audit, change signal after commit), so gateways
/// apply it within 1 s (docs/admin-api.md "Workspace limits").
/// </summary>
internal static class WorkspaceLimitsEndpoints
{
    public static RouteGroupBuilder MapWorkspaceLimits(this IEndpointRouteBuilder app)
    {
        var workspaces = app.MapGroup("/v1/workspaces").RequireAuthorization(AdminPolicies.ManageKeys).WithTags("Workspaces")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        workspaces.MapGet("/limits", ListAsync).WithName("ListWorkspaceLimits")
            .WithSummary("List the workspaces that have limits of their own");
        workspaces.MapPut("/{workspaceId}/limits", SetAsync).WithName("SetWorkspaceLimits")
            .WithSummary("Set a workspace's pooled limits: every key serving it also spends from them")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        workspaces.MapGet("/{workspaceId}/limits", GetAsync).WithName("GetWorkspaceLimits")
            .WithSummary("Get a workspace's limits").ProducesProblem(StatusCodes.Status404NotFound);
        workspaces.MapDelete("/{workspaceId}/limits", RemoveAsync).WithName("RemoveWorkspaceLimits")
            .WithSummary("Remove a workspace's limits (idempotent)");
        return workspaces;
    }

    internal static async Task<Results<Ok<WorkspaceLimitsRecord>, ValidationProblem>> SetAsync(
        string workspaceId, WorkspaceLimitsRequest request, ClaimsPrincipal user, KeyRequestValidator validator, WorkspaceLimitsService service,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!KeyFieldRules.IsWorkspaceId(workspaceId))
        {
            KeyFieldRules.WorkspaceId(workspaceId, errors);
        }
        var spec = validator.Validate(request, errors);
        if (spec is null || !errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var limits = await service.SetAsync(workspaceId, spec, user.ToActor(), cancellationToken);
        return TypedResults.Ok(WorkspaceLimitsRecord.From(limits));
    }

    internal static async Task<Results<Ok<WorkspaceLimitsRecord>, ProblemHttpResult>> GetAsync(
        string workspaceId, IWorkspaceLimitsStore store, CancellationToken cancellationToken)
    {
        // An id no workspace can have has no limits either: the same 404, no store query.
        var limits = KeyFieldRules.IsWorkspaceId(workspaceId) ? await store.GetAsync(workspaceId, cancellationToken) : null;
        return limits is null ? AdminProblems.WorkspaceLimitsNotFound() : TypedResults.Ok(WorkspaceLimitsRecord.From(limits));
    }

    internal static async Task<NoContent> RemoveAsync(
        string workspaceId, ClaimsPrincipal user, WorkspaceLimitsService service, CancellationToken cancellationToken)
    {
        if (KeyFieldRules.IsWorkspaceId(workspaceId))
        {
            await service.RemoveAsync(workspaceId, user.ToActor(), cancellationToken);
        }
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<Page<WorkspaceLimitsRecord>>, ValidationProblem>> ListAsync(
        int? limit, int? offset, string? cursor, IWorkspaceLimitsStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (pageLimit, pageOffset) = PageQuery.Validate(limit, offset, errors);
        var after = PageCursor.ReadWorkspace(cursor, offset, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var page = await store.ListAsync(new WorkspaceLimitsQuery(pageLimit, pageOffset) { After = after }, cancellationToken);
        return TypedResults.Ok(new Page<WorkspaceLimitsRecord>(
            [.. page.Items.Select(WorkspaceLimitsRecord.From)], page.Total, pageLimit, pageOffset, PageCursor.FromWorkspace(page.Next)));
    }
}
