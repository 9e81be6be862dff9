using ApiGateway.AdminApi.Webhooks;
using ApiGateway.Keys.Format;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// Webhook endpoints (docs/webhooks.md): the list, a registration form checked by the API's own rules
/// (<see cref="WebhooksEndpoints.ValidateAsync"/>, SSRF included), the new secret in that POST's response only, and delete.
/// </summary>
internal sealed class WebhooksModel(IWebhookStore store, TimeProvider time, IOptions<WebhooksOptions> options, ConsoleSubmissions submissions) : PageModel
{
    [BindProperty]
    public WebhookInput Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public IReadOnlyList<Webhook> Endpoints { get; private set; } = [];

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    /// <summary>The endpoint just registered and its secret: rendered in this response only.</summary>
    public (Webhook Endpoint, string Secret)? Created { get; private set; }

    public static IReadOnlyList<string> EventTypes => WebhookEventTypes.Known;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Input = new WebhookInput { Submission = ConsoleSubmissions.NewId() };
        Endpoints = await store.ListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var events = Input.Events.Where(e => !string.IsNullOrWhiteSpace(e)).Distinct(StringComparer.Ordinal).ToArray();
        var request = new CreateWebhookRequest(Input.Url?.Trim(), events.Contains(WebhookEventTypes.All) ? [WebhookEventTypes.All] : events,
            string.IsNullOrWhiteSpace(Input.Description) ? null : Input.Description.Trim());
        var errors = new ValidationErrors();
        var (url, types) = await WebhooksEndpoints.ValidateAsync(request, options.Value.AllowPrivateNetworks, errors, cancellationToken);
        if (!errors.IsEmpty)
        {
            Errors = errors.ToForm(field => field.StartsWith("events", StringComparison.Ordinal) ? "events" : field);
            Input.Submission = ConsoleSubmissions.NewId();
            Endpoints = await store.ListAsync(cancellationToken);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (!submissions.TryUse(Input.Submission))
        {
            Notice = "That form was already submitted, so no second endpoint was registered. A secret is shown only once.";
            return Redirect(Path);
        }
        var actor = ConsoleSession.Actor(HttpContext);
        var webhook = new Webhook(Ids.New("wh"), url!, types!, request.Description, time.GetUtcNow(), actor.Id);
        var secret = WebhookSecret.New();
        await store.CreateAsync(webhook, secret, actor, cancellationToken);
        Created = (webhook, secret);
        Input = new WebhookInput { Submission = ConsoleSubmissions.NewId() };
        Endpoints = await store.ListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string id, CancellationToken cancellationToken)
    {
        var deleted = Ids.LooksLike(id, "wh") && await store.DeleteAsync(id, ConsoleSession.Actor(HttpContext), cancellationToken);
        Notice = deleted ? "Webhook endpoint deleted; its pending deliveries are cancelled." : "That endpoint was already deleted.";
        return Redirect(Path);
    }

    public string? Error(string field) => Errors.GetValueOrDefault(field);

    public const string Path = "/console/webhooks";
}

/// <summary>The registration form's fields.</summary>
internal sealed class WebhookInput
{
    public string? Url { get; set; }

    public List<string> Events { get; set; } = [];

    public string? Description { get; set; }

    public string? Submission { get; set; }
}
