using System.Text;
using ApiGateway.AdminApi.WebConsole;
using Microsoft.Extensions.Options;

namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// The portal's stylesheet and script, embedded like the console's and served under <c>/portal/assets/</c>, and the
/// operator's theme (<c>Portal:ThemeFile</c>, read once at start) as <c>theme.css</c>.
/// </summary>
internal static class PortalAssets
{
    public static void Map(WebApplication app)
    {
        EmbeddedAssets.Map(app, PortalExtensions.BasePath + "/assets", "portal-assets/", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["portal.css"] = "text/css; charset=utf-8",
            ["portal.js"] = "text/javascript; charset=utf-8",
        });
        if (app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.ThemeFile is { } themeFile && !string.IsNullOrWhiteSpace(themeFile))
        {
            var theme = Encoding.UTF8.GetBytes(File.ReadAllText(themeFile));
            app.MapGet(PortalExtensions.BasePath + "/assets/theme.css", (HttpContext context) =>
                {
                    context.Response.Headers.CacheControl = "no-cache";
                    context.Response.Headers.XContentTypeOptions = "nosniff";
                    return TypedResults.File(theme, "text/css; charset=utf-8");
                })
                .AllowAnonymous()
                .ExcludeFromDescription();
        }
    }
}
