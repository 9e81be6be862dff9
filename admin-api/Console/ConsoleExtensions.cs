using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>
/// The admin web console (docs/console.md): server-rendered Razor Pages under <c>/console</c>, signed in
/// with an admin credential held in its own cookie scheme, next to (never instead of) the API's Bearer scheme.
/// </summary>
public static class ConsoleExtensions
{
    public const string BasePath = "/console";

    public static WebApplicationBuilder AddAdminConsole(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddConsoleAuthentication();
        services.AddMemoryCache();
        services.TryAddSingleton<ConsoleSubmissions>();
        services.TryAddSingleton<ConsoleCatalogue>();
        services.AddRazorPages(options =>
            {
                options.RootDirectory = "/Console/Pages";
                options.Conventions.AuthorizeFolder("/", ConsoleAuthentication.Policy);
                options.Conventions.AllowAnonymousToPage("/SignIn");
                // The root folder only: pages of the Portal area (Areas/Portal) set their own headers and authorization.
                options.Conventions.AddFolderApplicationModelConvention("/", model => model.Filters.Add(new ConsoleHeadersFilter()));
            })
            .AddApplicationPart(typeof(ConsoleExtensions).Assembly)
            .AddCookieTempDataProvider(options =>
            {
                options.Cookie.Name = ".agw.console.tempdata";
                options.Cookie.Path = BasePath;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        // One antiforgery setup for the console and the self-serve key page (docs/portal.md); a token is bound to the
        // signed-in identity of its own surface, so one surface's token is refused by the other.
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = ".agw.af";
            options.Cookie.Path = "/";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = "__RequestVerificationToken";
            // Each surface sends its own framing rule (console: DENY; portal: Portal:FrameAncestors), never antiforgery's SAMEORIGIN.
            options.SuppressXFrameOptionsHeader = true;
        });
        return builder;
    }

    public static WebApplication MapAdminConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", RedirectToConsole).AllowAnonymous().ExcludeFromDescription();
        ConsoleAssets.Map(app);
        app.MapRazorPages();
        return app;
    }

    private static RedirectHttpResult RedirectToConsole() => TypedResults.Redirect(BasePath);
}
