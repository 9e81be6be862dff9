namespace ApiGateway.AdminApi.WebConsole;

/// <summary>The console's stylesheet, scripts and icon (<see cref="EmbeddedAssets"/>), served under <c>/console/assets/</c>.</summary>
internal static class ConsoleAssets
{
    public static void Map(IEndpointRouteBuilder app)
    {
        EmbeddedAssets.Map(app, ConsoleExtensions.BasePath + "/assets", "console.css", "enhancements.js", "console.js", "favicon.svg");
        // Browsers ask for /favicon.ico on every page whatever the page links: answer it (anonymously, like the
        // assets) instead of a 401 problem in every page load's network log.
        EmbeddedAssets.MapFile(app, "/favicon.ico", "favicon.svg");
    }
}
