using Microsoft.AspNetCore.Http.Features;

namespace ApiGateway.AdminApi.Problems;

/// <summary>
/// Refuses a declared body over the limit before anything reads it (413), and sets the same limit on the server's
/// body feature so a chunked body is cut off while it streams. Kestrel's own limit is set to match.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        // GitHub's secret-scanning reports (up to 1000 findings) and key imports (up to 1000 keys) may be larger.
        var max = context.Request.Path.Equals(Leaks.LeaksEndpoints.GitHubPath, StringComparison.OrdinalIgnoreCase) ? Leaks.LeaksEndpoints.MaxGitHubBodyBytes
            : context.Request.Path.Equals(Endpoints.KeyImportEndpoints.Path, StringComparison.OrdinalIgnoreCase) ? Endpoints.KeyImportEndpoints.MaxBodyBytes
            : AdminProblems.MaxBodyBytes;
        if (context.Request.ContentLength > max)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return Task.CompletedTask;   // status code pages write the problem
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }
        return next(context);
    }
}
