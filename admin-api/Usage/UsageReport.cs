namespace ApiGateway.AdminApi.Usage;

/// <summary><c>GET /v1/usage</c>: the buckets in order of <c>start</c>, then key id (or workspace id when grouped by workspace).</summary>
public sealed record UsageReport(IReadOnlyList<UsageItem> Items);

/// <summary>
/// One bucket (UTC hour or day) of one key or workspace: <see cref="Requests"/> authenticated requests,
/// <see cref="Units"/> cost units the admitted ones spent, <see cref="Refused"/> of them answered 403 or 429.
/// <see cref="KeyId"/> is null when grouped by workspace.
/// </summary>
public sealed record UsageItem(DateTimeOffset Start, string WorkspaceId, string? KeyId, long Requests, long Units, long Refused);

/// <summary>
/// One event of <c>GET /v1/usage/export?format=cloudevents</c> (CloudEvents 1.0, docs/billing.md), for the OpenAPI
/// document: <see cref="UsageExport.CloudEvents"/> writes this shape and the contract test holds it to it.
/// </summary>
public sealed record UsageCloudEvent(string Specversion, string Type, string Source, string Id, string Subject, string Time, UsageCloudEventData Data);

/// <summary>The <c>data</c> of a <see cref="UsageCloudEvent"/>: one key's one closed hour.</summary>
public sealed record UsageCloudEventData(string KeyId, long Requests, long Units, long Refused);
