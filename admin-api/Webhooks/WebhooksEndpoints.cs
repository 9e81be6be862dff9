using System.Globalization;
using System.Security.Claims;
using ApiGateway.AdminApi.Authentication;
using ApiGateway.AdminApi.Endpoints;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// <c>/v1/webhooks</c> (owners and admins): register an endpoint (its secret shown once), list, read, delete, and read
/// its delivery attempts (docs/webhooks.md).
/// </summary>
internal static class WebhooksEndpoints
{
    public const int MaxUrlLength = 2000;
    public const int MaxDescriptionLength = 200;
    public const int MaxAttemptsPage = 100;

    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/v1/webhooks").RequireAuthorization(AdminPolicies.ManageKeys).WithTags("Webhooks")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        webhooks.MapPost("/", CreateAsync).WithName("CreateWebhook")
            .WithSummary("Register a webhook endpoint; the signing secret is in this response only.")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        webhooks.MapGet("/", ListAsync).WithName("ListWebhooks").WithSummary("Registered webhook endpoints (never their secrets).");
        webhooks.MapGet("/{id}", GetAsync).WithName("GetWebhook").WithSummary("One webhook endpoint.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapDelete("/{id}", DeleteAsync).WithName("DeleteWebhook")
            .WithSummary("Delete a webhook endpoint; its pending deliveries are cancelled.").ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{id}/deliveries", ListDeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("Delivery attempts to the endpoint, newest first.").ProducesProblem(StatusCodes.Status404NotFound);
        return webhooks;
    }

    internal static async Task<Results<Created<CreatedWebhook>, ValidationProblem>> CreateAsync(
        CreateWebhookRequest request, ClaimsPrincipal user, IWebhookStore store, TimeProvider time, IOptions<WebhooksOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (url, events) = await ValidateAsync(request, options.Value.AllowPrivateNetworks, errors, cancellationToken);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var actor = user.ToActor();
        var webhook = new Webhook(Ids.New("wh"), url!, events!, request.Description, time.GetUtcNow(), actor.Id);
        var secret = WebhookSecret.New();
        await store.CreateAsync(webhook, secret, actor, cancellationToken);
        var created = new CreatedWebhook(webhook.Id, webhook.Url, webhook.Events, webhook.Description, webhook.CreatedAt, webhook.CreatedBy, secret);
        return TypedResults.Created($"/v1/webhooks/{webhook.Id}", created);
    }

    /// <summary>Every field checked, every failure named (<c>url</c>, <c>events</c>, <c>events[2]</c>, <c>description</c>).</summary>
    internal static async Task<(string? Url, IReadOnlyList<string>? Events)> ValidateAsync(
        CreateWebhookRequest request, bool allowPrivateNetworks, ValidationErrors errors, CancellationToken cancellationToken)
    {
        string? url = null;
        if (string.IsNullOrEmpty(request.Url))
        {
            errors.Add("url", "url is required.");
        }
        else if (request.Url.Length > MaxUrlLength || !Uri.TryCreate(request.Url, UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(parsed.UserInfo) || !string.IsNullOrEmpty(parsed.Fragment)
            || !TextCharacters.IsVisibleAscii(request.Url))
        {
            errors.Add("url", $"url must be an absolute http(s) URL of at most {MaxUrlLength} characters, without credentials or a fragment.");
        }
        else if (await WebhookDestinations.CheckAsync(parsed, allowPrivateNetworks, cancellationToken) is { } refusal)
        {
            errors.Add("url", refusal + " Webhooks:AllowPrivateNetworks=true allows it.");
        }
        else
        {
            url = parsed.AbsoluteUri;
        }

        var events = new List<string>();
        if (request.Events is not { Count: >= 1 } requested)
        {
            errors.Add("events", "events must name at least one event type, or be [\"*\"].");
        }
        else
        {
            for (var i = 0; i < requested.Count; i++)
            {
                var type = requested[i];
                if (type is null || !(type == WebhookEventTypes.All || WebhookEventTypes.Known.Contains(type, StringComparer.Ordinal)))
                {
                    errors.Add($"events[{i}]", $"Unknown event type; one of {string.Join(", ", WebhookEventTypes.Known)} or *.");
                }
                else if (events.Contains(type, StringComparer.Ordinal))
                {
                    errors.Add($"events[{i}]", "Listed twice.");
                }
                else
                {
                    events.Add(type);
                }
            }
        }
        if (request.Description is { } description && (description.Length is 0 or > MaxDescriptionLength || !TextCharacters.IsDisplaySafe(description)))
        {
            errors.Add("description", $"description must be 1-{MaxDescriptionLength} characters of plain text.");
        }
        return (url, events);
    }

    internal static async Task<Ok<WebhookList>> ListAsync(IWebhookStore store, CancellationToken cancellationToken)
    {
        var webhooks = await store.ListAsync(cancellationToken);
        return TypedResults.Ok(new WebhookList([.. webhooks.Select(ToRecord)]));
    }

    internal static async Task<Results<Ok<WebhookRecord>, ProblemHttpResult>> GetAsync(string id, IWebhookStore store, CancellationToken cancellationToken)
    {
        var webhook = Ids.LooksLike(id, "wh") ? await store.GetAsync(id, cancellationToken) : null;
        return webhook is null ? NotFound() : TypedResults.Ok(ToRecord(webhook));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, IWebhookStore store, CancellationToken cancellationToken)
    {
        var deleted = Ids.LooksLike(id, "wh") && await store.DeleteAsync(id, user.ToActor(), cancellationToken);
        return deleted ? TypedResults.NoContent() : NotFound();
    }

    internal static async Task<Results<Ok<WebhookDeliveryPage>, ValidationProblem, ProblemHttpResult>> ListDeliveriesAsync(
        string id, int? limit, string? cursor, IWebhookStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (limit is < 1 or > MaxAttemptsPage)
        {
            errors.Add("limit", $"limit must be 1-{MaxAttemptsPage}.");
        }
        long? beforeId = null;
        if (cursor is not null)
        {
            if (long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            {
                beforeId = parsed;
            }
            else
            {
                errors.Add("cursor", "cursor must be the nextCursor of an earlier page.");
            }
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        if (!Ids.LooksLike(id, "wh") || await store.GetAsync(id, cancellationToken) is null)
        {
            return NotFound();
        }
        var pageLimit = limit ?? PageQuery.DefaultLimit;
        var attempts = await store.ListAttemptsAsync(id, pageLimit + 1, beforeId, cancellationToken);
        var items = attempts.Take(pageLimit).Select(a => new WebhookDeliveryRecord(a.EventId, a.Type, a.Attempt, a.Status, a.Error, a.At, a.NextAttemptAt)).ToArray();
        var next = attempts.Count > pageLimit ? attempts[pageLimit - 1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new WebhookDeliveryPage(items, pageLimit, next));
    }

    private static WebhookRecord ToRecord(Webhook w) => new(w.Id, w.Url, w.Events, w.Description, w.CreatedAt, w.CreatedBy);

    private static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Webhook not found", detail: "No webhook has this id.");
}
