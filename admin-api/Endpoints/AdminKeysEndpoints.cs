using System.Security.Claims;
using ApiGateway.AdminApi.Authentication;
using ApiGateway.AdminApi.Problems;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary><c>/v1/admin-keys</c>: owners create, list and revoke admin credentials (shown once, stored hashed).</summary>
internal static class AdminKeysEndpoints
{
    public static RouteGroupBuilder MapAdminKeys(this IEndpointRouteBuilder app)
    {
        var admins = app.MapGroup("/v1/admin-keys").RequireAuthorization(AdminPolicies.ManageAdmins).WithTags("Admin credentials")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        admins.MapPost("/", CreateAsync).WithName("CreateAdminKey").WithSummary("Create an admin credential (owners only; shown once)");
        admins.MapGet("/", ListAsync).WithName("ListAdminKeys").WithSummary("List admin credentials (owners only)");
        admins.MapDelete("/{id}", RevokeAsync).WithName("RevokeAdminKey").WithSummary("Revoke an admin credential (owners only)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return admins;
    }

    internal static async Task<Results<Created<CreatedAdminKey>, ValidationProblem>> CreateAsync(
        CreateAdminKeyRequest request, ClaimsPrincipal user, KeyMutationService mutations, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = KeyFieldRules.Text("name", request.Name, KeyFieldRules.MaxNameLength, required: true, errors);
        var role = AdminRole.Admin;
        if (request.Role is not null && !AdminRoleNames.TryParse(request.Role, out role))
        {
            errors.Add("role", "role must be 'owner' or 'admin'.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var issued = await mutations.CreateAdminAsync(name!, role, user.ToActor(), cancellationToken);
        return TypedResults.Created($"/v1/admin-keys/{issued.Credential.Id}", new CreatedAdminKey(ToRecord(issued.Credential), issued.Plaintext));
    }

    internal static async Task<Results<Ok<Page<AdminKeyRecord>>, ValidationProblem>> ListAsync(
        int? limit, int? offset, IAdminCredentialStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (pageLimit, pageOffset) = PageQuery.Validate(limit, offset, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        // Admin credentials are few (a team's worth), so the store returns them all and the page is cut here.
        var all = await store.ListAsync(cancellationToken);
        var items = all.Skip(pageOffset).Take(pageLimit).Select(ToRecord).ToArray();
        return TypedResults.Ok(new Page<AdminKeyRecord>(items, all.Count, pageLimit, pageOffset));
    }

    internal static async Task<Results<Ok<AdminKeyRecord>, ProblemHttpResult>> RevokeAsync(
        string id, ClaimsPrincipal user, KeyMutationService mutations, CancellationToken cancellationToken)
    {
        if (!Ids.LooksLike(id, "adm"))
        {
            return AdminProblems.AdminKeyNotFound();
        }
        var outcome = await mutations.RevokeAdminAsync(id, user.ToActor(), cancellationToken);
        return outcome.Status switch
        {
            RevokeAdminStatus.NotFound => AdminProblems.AdminKeyNotFound(),
            RevokeAdminStatus.LastOwner => AdminProblems.LastOwner(),
            _ => TypedResults.Ok(ToRecord(outcome.Credential!)),
        };
    }

    private static AdminKeyRecord ToRecord(AdminCredential credential) => new()
    {
        Id = credential.Id,
        Name = credential.Name,
        Prefix = credential.Prefix,
        Role = credential.Role.ToWire(),
        Status = credential.IsActive ? "active" : "revoked",
        CreatedAt = credential.CreatedAt,
        CreatedBy = credential.CreatedBy,
        RevokedAt = credential.RevokedAt,
    };
}
