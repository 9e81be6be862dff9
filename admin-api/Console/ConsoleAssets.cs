namespace ApiGateway.AdminApi.WebConsole;

/// <summary>The console's stylesheet and script (<see cref="EmbeddedAssets"/>), served under <c>/console/assets/</c>.</summary>
internal static class ConsoleAssets
{
    public static void Map(IEndpointRouteBuilder app)
    {
        EmbeddedAssets.Map(app, ConsoleExtensions.BasePath + "/assets", "console-assets/", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["console.css"] = "text/css; charset=utf-8",
            ["console.js"] = "text/javascript; charset=utf-8",
            ["favicon.svg"] = "image/svg+xml",
        });
        // Browsers ask for /favicon.ico on every page whatever the page links: answer it (anonymously, like the
        // assets) instead of a 401 problem in every page load's network log.
        EmbeddedAssets.MapFile(app, "/favicon.ico", "console-assets/favicon.svg", "image/svg+xml");
    }
}
