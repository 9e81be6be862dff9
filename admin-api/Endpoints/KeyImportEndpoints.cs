using System.Security.Claims;
using ApiGateway.AdminApi.Authentication;
using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary><c>POST /v1/keys/import</c> (owners): keys from another system by the SHA-256 of their plaintext (docs/admin-api.md "Import keys").</summary>
internal static class KeyImportEndpoints
{
    public const string Path = "/v1/keys/import";
    /// <summary>Up to 1000 keys with every field set: more than the admin API's 64 KB, so this path alone takes 2 MB.</summary>
    public const int MaxBodyBytes = 2 * 1024 * 1024;

    public static IEndpointRouteBuilder MapKeyImport(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ImportAsync).WithName("ImportKeys").WithTags("Keys")
            .WithSummary("Import keys from another system by the SHA-256 of their plaintext, all or nothing")
            .RequireAuthorization(AdminPolicies.ImportKeys)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    internal static async Task<Results<Created<ImportedKeys>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        ImportKeysRequest request, ClaimsPrincipal user, [AsParameters] KeyServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var items = services.Validator.Validate(request, errors);
        if (items is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var result = await services.Mutations.ImportAsync(items, user.ToActor(), cancellationToken);
        var now = services.Time.GetUtcNow();
        return result.Status switch
        {
            ImportKeysStatus.HashExists => Conflict("Key already exists", result.Index, "hash",
                $"keys[{result.Index}]: a key with this hash is stored already; nothing was imported."),
            ImportKeysStatus.DuplicateInImport => Conflict("Key already exists", result.Index, "hash",
                $"keys[{result.Index}]: this hash is also an earlier item's; nothing was imported."),
            ImportKeysStatus.OwnerLimitReached => Conflict("Active key limit reached", result.Index, "owner",
                $"keys[{result.Index}]: owner '{items[result.Index].Spec.Owner}' would hold more than {services.Options.Value.MaxActivePerOwner} active keys, "
                + "the limit (Keys:MaxActivePerOwner); nothing was imported."),
            _ => TypedResults.Created((string?)null, new ImportedKeys([.. result.Keys.Select(k => KeyRecords.From(k, KeyUsage.None, now))])),
        };
    }

    /// <summary>A 409 naming the item: <c>index</c> and <c>field</c> (<c>keys[3].hash</c>) beside the detail.</summary>
    private static ProblemHttpResult Conflict(string title, int index, string field, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["index"] = index, ["field"] = $"keys[{index}].{field}" });
}
