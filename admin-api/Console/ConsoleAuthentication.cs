using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>
/// The console's cookie session: it holds only the admin credential's id and role, never the credential, and every
/// request re-checks that the credential is still active (a revoked credential signs its sessions out).
/// </summary>
internal static partial class ConsoleAuthentication
{
    public const string Scheme = "AdminConsole";
    public const string Policy = "AdminConsole";
    public const string CookieName = ".agw.console";

    public static IServiceCollection AddConsoleAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.Path = ConsoleExtensions.BasePath;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = ConsoleExtensions.BasePath + "/sign-in";
            options.LogoutPath = ConsoleExtensions.BasePath + "/sign-out";
            options.AccessDeniedPath = ConsoleExtensions.BasePath + "/sign-in";
            options.Events.OnValidatePrincipal = ValidatePrincipalAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(ClaimTypes.NameIdentifier));
        return services;
    }

    public static ClaimsPrincipal CreatePrincipal(AdminCredential credential) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, credential.Id), new Claim(ClaimTypes.Role, credential.Role.ToWire())],
            Scheme, ClaimTypes.NameIdentifier, ClaimTypes.Role));

    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var credential = id is null ? null : await FindActiveAsync(context.HttpContext, id);
        if (credential is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        ConsoleSession.Set(context.HttpContext, credential);
    }

    private static async Task<AdminCredential?> FindActiveAsync(HttpContext context, string id)
    {
        // Admin credentials are few (operators, not users), so the list is the lookup.
        var store = context.RequestServices.GetRequiredService<IAdminCredentialStore>();
        var all = await store.ListAsync(context.RequestAborted);
        return all.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.Ordinal) && c.IsActive);
    }
}
