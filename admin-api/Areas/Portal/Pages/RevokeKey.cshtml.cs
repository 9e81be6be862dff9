using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.Portal.Pages;

/// <summary>
/// The confirmation page behind the Revoke dialog, and the revocation itself through <see cref="KeyMutationService"/>
/// with the portal actor. Any key that is not the session's is the plain 404 page, on GET and on POST alike.
/// </summary>
internal sealed class RevokeKeyModel(PortalKeys keys, KeyMutationService mutations) : PageModel
{
    public ApiKey Key { get; private set; } = null!;

    public KeyStatus Status { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await keys.FindAsync(PortalContext.Session(HttpContext), id, cancellationToken) is not { } key)
        {
            return await NotFoundPageAsync();
        }
        Key = key;
        Status = keys.StatusOf(key);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken cancellationToken)
    {
        var session = PortalContext.Session(HttpContext);
        if (await keys.FindAsync(session, id, cancellationToken) is null)
        {
            return await NotFoundPageAsync();
        }
        await mutations.RevokeAsync(id, session.Actor, cancellationToken);
        return Redirect($"{PortalExtensions.BasePath}?revoked={Uri.EscapeDataString(id)}");
    }

    private async Task<IActionResult> NotFoundPageAsync()
    {
        await PortalNotFoundPage.WriteAsync(HttpContext);
        return new EmptyResult();
    }
}
