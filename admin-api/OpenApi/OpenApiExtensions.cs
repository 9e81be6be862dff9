namespace ApiGateway.AdminApi.OpenApi;

internal static class OpenApiExtensions
{
    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, readable without a credential (it holds no data).</summary>
    public static IHostApplicationBuilder AddAdminOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi();
        return builder;
    }

    public static IEndpointRouteBuilder MapAdminOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
