using System.Globalization;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>The 429 of a refused sign-in attempt (console form or Bearer): <c>application/problem+json</c> with <c>Retry-After</c>.</summary>
internal static class SignInThrottledProblem
{
    public const string Title = "Too many failed sign-ins";

    public static async Task WriteAsync(HttpContext context, TimeSpan retryAfter)
    {
        // Whole seconds, rounded up: a client that waits what it is told never arrives early.
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = Title,
                Detail = $"Too many failed sign-in attempts from this address or with this credential. Try again in {seconds} s.",
            },
        });
    }
}
