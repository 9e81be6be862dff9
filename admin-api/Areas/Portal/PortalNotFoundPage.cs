namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// The one answer for a start URL that is used, expired or unknown, and for the portal without a live session: a plain
/// 404 page that says nothing about which it was (docs/portal.md).
/// </summary>
internal static class PortalNotFoundPage
{
    public const string Html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Link not valid</title>
        <link rel="stylesheet" href="/portal/assets/portal.css">
        </head>
        <body>
        <main class="portal narrow" id="main">
        <h1>This link is no longer valid</h1>
        <p>Links to this page work once and only for a few minutes. Go back to the application and open API keys again.</p>
        </main>
        </body>
        </html>
        """;

    public static Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestServices.GetRequiredService<PortalHeaders>().Apply(context.Response);
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(Html, context.RequestAborted);
    }
}
