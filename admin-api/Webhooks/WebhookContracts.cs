namespace ApiGateway.AdminApi.Webhooks;

/// <summary><c>POST /v1/webhooks</c>: where to send which events.</summary>
public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string?>? Events, string? Description);

/// <summary>An endpoint as lists show it: never its secret.</summary>
public record WebhookRecord(string Id, string Url, IReadOnlyList<string> Events, string? Description, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>The creating response: the record plus <see cref="Secret"/>, shown only here.</summary>
public sealed record CreatedWebhook(string Id, string Url, IReadOnlyList<string> Events, string? Description, DateTimeOffset CreatedAt, string CreatedBy, string Secret)
    : WebhookRecord(Id, Url, Events, Description, CreatedAt, CreatedBy);

public sealed record WebhookList(IReadOnlyList<WebhookRecord> Items);

/// <summary>One attempt, as <c>GET /v1/webhooks/{id}/deliveries</c> lists them (newest first).</summary>
public sealed record WebhookDeliveryRecord(
    string EventId, string Type, int Attempt, int? Status, string? Error, DateTimeOffset At, DateTimeOffset? NextAttemptAt);

/// <summary>A page of attempts; <see cref="NextCursor"/> (null on the last page) is passed back as <c>?cursor=</c>.</summary>
public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryRecord> Items, int Limit, string? NextCursor);

/// <summary>The body of every delivery: the event type, when it happened, and the key record (never a secret).</summary>
public sealed record WebhookBody(string Type, DateTimeOffset Timestamp, KeyRecord Data);
