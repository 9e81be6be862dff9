using System.Security.Claims;
using ApiGateway.Keys.Portal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// The portal's cookie (docs/portal.md): its own scheme and path, holding only the portal session id. Every request
/// re-reads the session and refuses it once it has ended, whatever the cookie says; it grants nothing outside <c>/portal</c>
/// and no admin policy accepts it (those take the Bearer scheme).
/// </summary>
internal static class PortalAuthentication
{
    public const string Scheme = "Portal";
    public const string Policy = "Portal";
    public const string CookieName = ".agw.portal";
    private const string SessionClaim = "portal_session";

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.Path = PortalExtensions.BasePath;
            options.Cookie.HttpOnly = true;
            // Lax, not Strict: the start URL is opened from the SaaS's own site, and its redirect to /portal must carry the cookie.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.SlidingExpiration = false;
            options.Events.OnValidatePrincipal = ValidatePrincipalAsync;
            // No sign-in page to send anyone to: without a live session the portal is a 404, like a spent start URL.
            options.Events.OnRedirectToLogin = NotFound;
            options.Events.OnRedirectToAccessDenied = NotFound;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(SessionClaim));
        return services;
    }

    /// <summary>Signs the browser in to <paramref name="session"/> until it ends; the cookie expires then too.</summary>
    public static Task SignInAsync(HttpContext context, PortalSession session) =>
        context.SignInAsync(Scheme,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(SessionClaim, session.Id)], Scheme)),
            new AuthenticationProperties { IsPersistent = true, ExpiresUtc = session.SessionExpiresAt, AllowRefresh = false });

    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(SessionClaim);
        var services = context.HttpContext.RequestServices;
        var session = id is null ? null : await services.GetRequiredService<PortalSessionStore>().GetAsync(id, context.HttpContext.RequestAborted);
        if (session is null || !session.IsLiveAt(services.GetRequiredService<TimeProvider>().GetUtcNow()))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        PortalContext.Set(context.HttpContext, session);
    }

    private static Task NotFound(RedirectContext<CookieAuthenticationOptions> context) => PortalNotFoundPage.WriteAsync(context.HttpContext);
}
