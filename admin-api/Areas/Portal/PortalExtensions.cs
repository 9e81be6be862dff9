using ApiGateway.Keys.Hosting;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// The self-serve key page (docs/portal.md): <c>POST /v1/portal-sessions</c> for the SaaS backend, and the Razor Pages of
/// the <c>Portal</c> area under <c>/portal</c> for its users, behind their own cookie scheme. Nothing here accepts an
/// admin credential from a browser, and the portal cookie satisfies no admin policy.
/// </summary>
internal static class PortalExtensions
{
    public const string BasePath = "/portal";
    public const string Area = "Portal";

    /// <summary>Call after <c>AddAdminConsole</c>, which adds Razor Pages and antiforgery for both surfaces.</summary>
    public static WebApplicationBuilder AddSelfServePortal(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddValidatedOptions<PortalOptions, PortalOptionsValidator>(PortalOptions.SectionName);
        services.TryAddSingleton<PortalHeaders>();
        services.AddPortalAuthentication();
        services.Configure<RazorPagesOptions>(options =>
        {
            options.Conventions.AuthorizeAreaFolder(Area, "/", PortalAuthentication.Policy);
            options.Conventions.AllowAnonymousToAreaPage(Area, "/Start");
            options.Conventions.AddAreaFolderApplicationModelConvention(Area, "/", model => model.Filters.Add(new Microsoft.AspNetCore.Mvc.ServiceFilterAttribute(typeof(PortalHeadersFilter))));
        });
        services.TryAddSingleton<PortalHeadersFilter>();
        services.TryAddSingleton<Pages.PortalKeys>();
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPortalSessions();
        PortalAssets.Map(app);
        return app;
    }
}
