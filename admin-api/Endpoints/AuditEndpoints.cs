using System.Text.Json;
using ApiGateway.AdminApi.Authentication;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary><c>GET /v1/audit</c>: who did what to which key, newest first.</summary>
internal static class AuditEndpoints
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/v1/audit").RequireAuthorization(AdminPolicies.ManageKeys).WithTags("Audit")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        audit.MapGet("/", ListAsync).WithName("ListAuditEvents").WithSummary("List audit events, newest first");
        return audit;
    }

    internal static async Task<Results<Ok<Page<AuditRecord>>, ValidationProblem>> ListAsync(
        string? keyId, string? action, int? limit, int? offset, string? cursor, IKeyStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (pageLimit, pageOffset) = PageQuery.Validate(limit, offset, errors);
        var beforeId = PageCursor.ReadAudit(cursor, offset, errors);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var page = await store.ListAuditAsync(new AuditQuery(keyId, action, pageLimit, pageOffset) { BeforeId = beforeId }, cancellationToken);
        return TypedResults.Ok(new Page<AuditRecord>([.. page.Items.Select(ToRecord)], page.Total, pageLimit, pageOffset, PageCursor.From(page.NextBeforeId)));
    }

    private static AuditRecord ToRecord(AuditEvent e) =>
        new(e.Id, e.At, new AuditActor(e.Actor.Id, e.Actor.Name), e.Action, e.KeyId, e.KeyName, Details(e.Details));

    private static JsonElement Details(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return EmptyObject;
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : EmptyObject;
    }
}
