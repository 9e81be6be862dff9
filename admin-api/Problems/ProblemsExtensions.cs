using Microsoft.AspNetCore.Http.Json;

namespace ApiGateway.AdminApi.Problems;

internal static class ProblemsExtensions
{
    /// <summary>Every error is RFC 9457 <c>application/problem+json</c>: validation, binding, 404/405, 413 and 500.</summary>
    public static IHostApplicationBuilder AddAdminProblems(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Bodiless statuses (routing 404/405, 413, 415) get our title and a detail; explicit problems always carry a detail.
            var problem = context.ProblemDetails;
            if (problem is not HttpValidationProblemDetails && problem.Detail is null && problem.Status is { } status && AdminProblems.TitleFor(status) is { } title)
            {
                problem.Title = title;
                problem.Detail = AdminProblems.DetailFor(status);
            }
        });
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures throw, so BadRequestExceptionHandler can name the field instead of answering an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            options => options.Limits.MaxRequestBodySize = AdminProblems.MaxBodyBytes);
        return builder;
    }

    public static IApplicationBuilder UseAdminProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        return app;
    }
}
