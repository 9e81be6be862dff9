using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>The audit log, newest first, one page of <see cref="PageSize"/> events at a time.</summary>
internal sealed class AuditModel(IKeyStore keys) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public int Total { get; private set; }

    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PageNumber = Math.Max(1, PageNumber);
        var page = await keys.ListAuditAsync(new AuditQuery(null, null, PageSize, (PageNumber - 1) * PageSize), cancellationToken);
        Events = page.Items;
        Total = page.Total;
    }
}
