using ApiGateway.AdminApi.WebConsole;
using ApiGateway.Keys.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.Portal.Pages;

/// <summary>The user's keys in this workspace: working ones first, revoked and expired ones in their own section.</summary>
internal sealed class IndexModel(PortalKeys keys) : PageModel
{
    /// <summary>After a revocation: the key just revoked, named in a notice when it is this session's.</summary>
    [BindProperty(SupportsGet = true, Name = "revoked")]
    public string? Revoked { get; set; }

    public PortalSession Session { get; private set; } = null!;

    public string? Notice { get; private set; }

    public PortalKeyTable Live { get; private set; } = null!;

    public PortalKeyTable Ended { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Session = PortalContext.Session(HttpContext);
        var rows = await keys.ListAsync(Session, cancellationToken);
        Live = new([.. rows.Where(r => r.Status is KeyStatus.Active or KeyStatus.Disabled)], Actions: true, "Active keys");
        Ended = new([.. rows.Where(r => r.Status is KeyStatus.Revoked or KeyStatus.Expired)], Actions: false, "Revoked and expired keys");
        if (Revoked is not null && rows.FirstOrDefault(r => r.Key.Id == Revoked && r.Status == KeyStatus.Revoked) is { } revoked)
        {
            Notice = $"Revoked “{ConsoleFormat.Isolate(revoked.Key.Name)}” ({revoked.Key.Prefix}). Requests with it now fail.";
        }
    }
}
