namespace ApiGateway.AdminApi.OpenApi;

internal static class OpenApiExtensions
{
    /// <summary>
    /// The OpenAPI document at <c>/openapi/v1.json</c>, readable without a credential (it holds no data). The transformers
    /// make it describe what the API really does, so that Redocly's recommended lint passes and generated clients
    /// (Kiota, openapi-ts) work unchanged: docs/admin-api.md "OpenAPI".
    /// </summary>
    public static IHostApplicationBuilder AddAdminOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<AdminDocumentInfoTransformer>();
            options.AddDocumentTransformer<BearerSecuritySchemeTransformer>();
            options.AddOperationTransformer<RequestBodyProblemsTransformer>();
            options.AddSchemaTransformer<ProblemSchemaTransformer>();
            options.AddSchemaTransformer<UtcTimestampSchemaTransformer>();
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapAdminOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
