using System.Security.Claims;
using ApiGateway.AdminApi.Authentication;
using ApiGateway.AdminApi.Problems;
using ApiGateway.Keys.Format;
using Microsoft.AspNetCore.Mvc;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary><c>/v1/keys</c>: mint, list, get, change, revoke and rotate API keys (owners and admins).</summary>
internal static class KeysEndpoints
{
    public static RouteGroupBuilder MapKeys(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/keys").RequireAuthorization(AdminPolicies.ManageKeys).WithTags("Keys")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        keys.MapPost("/", CreateAsync).WithName("CreateKey").WithSummary("Mint a key (the plaintext is in this response only)")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        keys.MapGet("/", ListAsync).WithName("ListKeys").WithSummary("List keys (records only, never a secret)");
        keys.MapGet("/{id}", GetAsync).WithName("GetKey").WithSummary("Get one key").ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPatch("/{id}", KeyChangesEndpoints.UpdateAsync).WithName("UpdateKey")
            .WithSummary("Change a key's name, scopes, limits, IPs or expiry, or disable and re-enable it (enabled)")
            .Accepts<UpdateKeyRequest>("application/merge-patch+json", "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        keys.MapDelete("/{id}", KeyChangesEndpoints.RevokeAsync).WithName("RevokeKey").WithSummary("Revoke a key (immediate, permanent, idempotent)").ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPost("/{id}/rotate", KeyChangesEndpoints.RotateAsync).WithName("RotateKey").WithSummary("Rotate a key: mint a successor sharing its limits")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return keys;
    }

    internal static async Task<Results<Created<CreatedKey>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateKeyRequest request, ClaimsPrincipal user, [AsParameters] KeyServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var spec = services.Validator.Validate(request, errors);
        if (spec is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var result = await services.Mutations.CreateAsync(spec, user.ToActor(), cancellationToken);
        if (result.Status == CreateKeyStatus.OwnerLimitReached)
        {
            return AdminProblems.OwnerLimitReached(spec.Owner!, services.Options.Value.MaxActivePerOwner);
        }
        var issued = result.Issued!;
        var record = KeyRecords.From(issued.Key, KeyUsage.None, services.Time.GetUtcNow());
        return TypedResults.Created($"/v1/keys/{record.Id}", new CreatedKey(record, issued.Plaintext));
    }

    internal static async Task<Results<Ok<Page<KeyRecord>>, ValidationProblem>> ListAsync(
        [AsParameters] ListKeysQuery query, [AsParameters] KeyServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        KeyStatus? status = null;
        if (query.Status is not null)
        {
            if (KeyStatusNames.TryParse(query.Status, out var parsed))
            {
                status = parsed;
            }
            else
            {
                errors.Add("status", "status must be 'active', 'disabled', 'expired' or 'revoked'.");
            }
        }
        var (limit, offset) = PageQuery.Validate(query.Limit, query.Offset, errors);
        var after = PageCursor.ReadKey(query.Cursor, query.Offset, errors);
        var search = SearchTerm(query.Search, errors);
        var prefix = PrefixTerm(query.Prefix, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var keyQuery = new KeyQuery(query.WorkspaceId, query.Owner, status, limit, offset) { NameContains = search, PrefixStartsWith = prefix, After = after };
        var page = await services.Store.ListAsync(keyQuery, cancellationToken);
        var items = await KeyRecords.FromAsync(page.Items, services, cancellationToken);
        return TypedResults.Ok(new Page<KeyRecord>(items, page.Total, limit, offset, PageCursor.From(page.Next)));
    }

    /// <summary><c>?search=</c>: part of a key's name, 1-100 characters, matched case-insensitively.</summary>
    private static string? SearchTerm(string? search, ValidationErrors errors)
    {
        if (search is not null && (search.Length is 0 or > KeyFieldRules.MaxNameLength || string.IsNullOrWhiteSpace(search)))
        {
            errors.Add("search", $"search must be 1-{KeyFieldRules.MaxNameLength} characters, not all blank.");
        }
        return search;
    }

    /// <summary>
    /// <c>?prefix=</c>: the start of a key's visible prefix (<c>agw_live_3Xk9Qa1</c>), case-sensitive. Longer than the visible
    /// 16 characters is refused: a whole key must never travel in a URL, where logs and histories keep it.
    /// </summary>
    private static string? PrefixTerm(string? prefix, ValidationErrors errors)
    {
        if (prefix is not null && (prefix.Length is 0 or > KeyFormat.VisiblePrefixLength || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            errors.Add("prefix", $"prefix must be 1-{KeyFormat.VisiblePrefixLength} characters of A-Z, a-z, 0-9 and '_' (the start of a key's visible prefix; never a whole key).");
        }
        return prefix;
    }

    internal static async Task<Results<Ok<KeyRecord>, ProblemHttpResult>> GetAsync(
        string id, [AsParameters] KeyServices services, CancellationToken cancellationToken)
    {
        var key = Ids.LooksLike(id, "key") ? await services.Store.GetAsync(id, cancellationToken) : null;
        return key is null ? AdminProblems.KeyNotFound() : TypedResults.Ok(await KeyRecords.FromAsync(key, services, cancellationToken));
    }
}

/// <summary>The filters of <c>GET /v1/keys</c>.</summary>
internal sealed record ListKeysQuery(
    [property: FromQuery(Name = "workspaceId")] string? WorkspaceId,
    [property: FromQuery(Name = "owner")] string? Owner,
    [property: FromQuery(Name = "status")] string? Status,
    [property: FromQuery(Name = "search")] string? Search,
    [property: FromQuery(Name = "prefix")] string? Prefix,
    [property: FromQuery(Name = "limit")] int? Limit,
    [property: FromQuery(Name = "offset")] int? Offset,
    [property: FromQuery(Name = "cursor")] string? Cursor);
