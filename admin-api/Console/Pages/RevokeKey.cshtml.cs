using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Mvc;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>Revokes through <see cref="KeyMutationService"/> with the signed-in credential as actor: the same <c>key.revoked</c> event as the API.</summary>
internal sealed class RevokeKeyModel(IKeyStore keys, KeyMutationService mutations, TimeProvider time) : KeyActionModel(keys, time)
{
    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken cancellationToken)
    {
        var revoked = await mutations.RevokeAsync(id, ConsoleSession.Actor(HttpContext), cancellationToken);
        if (revoked is null)
        {
            return NotFound();
        }
        Notice = $"Revoked “{ConsoleFormat.Isolate(revoked.Name)}” ({revoked.Prefix}). Requests with it now fail.";
        return Redirect(ConsoleExtensions.BasePath);
    }
}
