using System.Text;
using ApiGateway.AdminApi.WebConsole;

namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// The portal's stylesheet and the script it shares with the console (<see cref="EmbeddedAssets"/>), served under
/// <c>/portal/assets/</c>, and the operator's theme (<c>Portal:ThemeFile</c>, read once at start) as <c>theme.css</c>.
/// </summary>
internal static class PortalAssets
{
    public static void Map(WebApplication app)
    {
        EmbeddedAssets.Map(app, PortalExtensions.BasePath + "/assets", "portal.css", "enhancements.js");
        if (app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.ThemeFile is { } themeFile && !string.IsNullOrWhiteSpace(themeFile))
        {
            var theme = Encoding.UTF8.GetBytes(File.ReadAllText(themeFile));
            EmbeddedAssets.MapContent(app, PortalExtensions.BasePath + "/assets/theme.css", theme, "text/css; charset=utf-8");
        }
    }
}
