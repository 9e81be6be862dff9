using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// The audit log, newest first, <see cref="PageSize"/> events at a time. "Older" pages by keyset (<c>?before=</c> the
/// last id shown), so any depth costs the same and no page number can overflow into a negative offset.
/// </summary>
internal sealed class AuditModel(IKeyStore keys) : PageModel
{
    public const int PageSize = 50;

    /// <summary>Show events older than this id; absent, zero, negative or unparsable: the newest.</summary>
    [BindProperty(SupportsGet = true, Name = "before")]
    public long? Before { get; set; }

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public int Total { get; private set; }

    /// <summary>The <c>before</c> of the next older page, or null when this is the oldest.</summary>
    public long? OlderBefore { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Before = Before is > 0 ? Before : null;
        var page = await keys.ListAuditAsync(new AuditQuery(null, null, PageSize, 0) { BeforeId = Before }, cancellationToken);
        Events = page.Items;
        Total = page.Total;
        OlderBefore = page.NextBeforeId;
    }
}
