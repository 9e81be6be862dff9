using ApiGateway.Keys.Format;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>One endpoint's delivery attempts, newest first (<c>GET /v1/webhooks/{id}/deliveries</c> in HTML).</summary>
internal sealed class WebhookDeliveriesModel(IWebhookStore store) : PageModel
{
    public const int PageSize = 50;

    public Webhook Endpoint { get; private set; } = null!;

    public IReadOnlyList<WebhookAttempt> Attempts { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (!Ids.LooksLike(id, "wh") || await store.GetAsync(id, cancellationToken) is not { } endpoint)
        {
            return NotFound();
        }
        Endpoint = endpoint;
        Attempts = await store.ListAttemptsAsync(id, PageSize, null, cancellationToken);
        return Page();
    }
}
