using Microsoft.AspNetCore.Http.HttpResults;
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
                options.Conventions.ConfigureFilter(new ConsoleHeadersFilter());
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
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = ".agw.console.af";
            options.Cookie.Path = BasePath;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = "__RequestVerificationToken";
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
