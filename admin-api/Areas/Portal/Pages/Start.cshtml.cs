using ApiGateway.Keys.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.Portal.Pages;

/// <summary>
/// Opening the one-time start URL: the token is spent for a cookie naming the session, then the browser goes to the
/// page without the token in its address. A used, expired or unknown token gets the same plain 404 page.
/// </summary>
internal sealed class StartModel(PortalSessionStore sessions) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        var session = PortalToken.LooksLike(token) ? await sessions.StartAsync(PortalToken.Hash(token), cancellationToken) : null;
        if (session is null)
        {
            await PortalNotFoundPage.WriteAsync(HttpContext);
            return new EmptyResult();
        }
        await PortalAuthentication.SignInAsync(HttpContext, session);
        return Redirect(PortalExtensions.BasePath);
    }
}
