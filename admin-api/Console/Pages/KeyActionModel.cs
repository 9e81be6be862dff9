using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>The confirmation pages for one key (revoke, rotate): the no-script path behind the keys page's dialogs.</summary>
internal abstract class KeyActionModel(IKeyStore keys, TimeProvider time) : PageModel
{
    [TempData]
    public string? Notice { get; set; }

    public ApiKey Key { get; protected set; } = null!;

    public KeyStatus Status { get; private set; }

    protected TimeProvider Time => time;

    protected async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        var key = await keys.GetAsync(id, cancellationToken);
        if (key is null)
        {
            return false;
        }
        Key = key;
        Status = key.StatusAt(time.GetUtcNow());
        return true;
    }
}
