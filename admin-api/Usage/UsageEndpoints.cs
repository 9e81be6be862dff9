using ApiGateway.AdminApi.Authentication;

namespace ApiGateway.AdminApi.Usage;

/// <summary>
/// <c>GET /v1/usage</c> and <c>GET /v1/usage/export</c>: the hourly usage the gateways write (requests, cost units,
/// refusals per key), summed for reports and exported for billing (docs/admin-api.md "Usage", docs/billing.md).
/// </summary>
internal static class UsageEndpoints
{
    public static RouteGroupBuilder MapUsage(this IEndpointRouteBuilder app)
    {
        var usage = app.MapGroup("/v1/usage").RequireAuthorization(AdminPolicies.ManageKeys).WithTags("Usage")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        usage.MapGet("/", ReportAsync).WithName("GetUsage")
            .WithSummary("Requests, cost units and refusals per key or workspace, by UTC hour or day")
            .WithDescription("`from` and `to` (ISO-8601, `to` exclusive) on whole UTC hours (`granularity=hour`, at most 31 days) or days " +
                "(`granularity=day`, the default, at most 400 days); `groupBy=key` (default) or `workspace`; `workspaceId` and `keyId` filter. " +
                "Ordered by `start`, then key id (workspace id when grouped by workspace). A key's usage belongs to the workspace it was created in.");
        usage.MapGet("/export", ExportAsync).WithName("ExportUsage")
            .WithSummary("Hourly usage per key as CSV or a CloudEvents batch, closed hours only")
            .WithDescription("`from` and `to` (ISO-8601 whole UTC hours, `to` exclusive, at most 31 days); `format=csv` (`text/csv`, header " +
                "`hour,workspace_id,key_id,requests,units,refused`) or `format=cloudevents` (`application/cloudevents-batch+json`, " +
                "CloudEvents 1.0 of type `api-gateway.usage` with the stable id `{keyId}:{hour in Unix seconds}`). The current hour is never exported.")
            .Produces<IReadOnlyList<UsageCloudEvent>>(StatusCodes.Status200OK, UsageExport.CloudEventsContentType)
            .AddOpenApiOperationTransformer((operation, context, cancellationToken) =>
            {
                // The same 200 as CSV (format=csv): text whose first line is the header.
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is Microsoft.OpenApi.OpenApiResponse response)
                {
                    response.Content ??= new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>(StringComparer.Ordinal);
                    response.Content["text/csv"] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String } };
                }
                return Task.CompletedTask;
            })
            .ProducesValidationProblem();
        return usage;
    }

    internal static async Task<Results<Ok<UsageReport>, ValidationProblem>> ReportAsync(
        string? from, string? to, string? granularity, string? groupBy, string? workspaceId, string? keyId,
        HttpRequest request, IUsageStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (UsageParameters.ReadReport(request.Query, from, to, granularity, groupBy, workspaceId, keyId, errors) is not { } query)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var rows = await store.QueryUsageAsync(query, cancellationToken);
        return TypedResults.Ok(new UsageReport([.. rows.Select(r => new UsageItem(r.Start, r.WorkspaceId, r.KeyId, r.Requests, r.Units, r.Refused))]));
    }

    internal static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(
        string? from, string? to, string? format, HttpRequest request, IUsageStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (UsageParameters.ReadExport(request.Query, from, to, format, errors) is not { } read)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var (query, exportFormat) = read;
        // Only closed hours: the current one still grows (and gateways flush it a little after it ends, docs/billing.md).
        var closedUntil = UsageHours.Start(time.GetUtcNow());
        IReadOnlyList<UsageRow> rows = query.From >= closedUntil
            ? []
            : await store.QueryUsageAsync(query with { To = query.To < closedUntil ? query.To : closedUntil }, cancellationToken);
        return exportFormat == UsageExportFormat.Csv
            ? TypedResults.File(UsageExport.Csv(rows), UsageExport.CsvContentType)
            : TypedResults.File(UsageExport.CloudEvents(rows), UsageExport.CloudEventsContentType);
    }
}
