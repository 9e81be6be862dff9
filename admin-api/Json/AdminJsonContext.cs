using System.Text.Json;
using System.Text.Json.Serialization;

namespace ApiGateway.AdminApi.Json;

/// <summary>Source-generated (de)serialisers for the admin API's bodies; options come from <see cref="AdminJsonExtensions"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(UpdateKeyRequest))]
[JsonSerializable(typeof(ImportKeysRequest))]
[JsonSerializable(typeof(ImportedKeys))]
[JsonSerializable(typeof(RotateKeyRequest))]
[JsonSerializable(typeof(CreateAdminKeyRequest))]
[JsonSerializable(typeof(KeyRecord))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(Page<KeyRecord>))]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(Page<AuditRecord>))]
[JsonSerializable(typeof(AdminKeyRecord))]
[JsonSerializable(typeof(CreatedAdminKey))]
[JsonSerializable(typeof(Page<AdminKeyRecord>))]
[JsonSerializable(typeof(ShadowDecisionsReport))]
[JsonSerializable(typeof(WorkspaceLimitsRequest))]
[JsonSerializable(typeof(WorkspaceLimitsRecord))]
[JsonSerializable(typeof(Page<WorkspaceLimitsRecord>))]
[JsonSerializable(typeof(Leaks.ReportLeaksRequest))]
[JsonSerializable(typeof(Leaks.LeakReportResponse))]
[JsonSerializable(typeof(Portal.CreatePortalSessionRequest))]
[JsonSerializable(typeof(Portal.CreatedPortalSession))]
[JsonSerializable(typeof(Webhooks.CreateWebhookRequest))]
[JsonSerializable(typeof(Webhooks.WebhookRecord))]
[JsonSerializable(typeof(Webhooks.CreatedWebhook))]
[JsonSerializable(typeof(Webhooks.WebhookList))]
[JsonSerializable(typeof(Webhooks.WebhookDeliveryPage))]
[JsonSerializable(typeof(Webhooks.WebhookBody))]
[JsonSerializable(typeof(Usage.UsageReport))]
[JsonSerializable(typeof(IReadOnlyList<Usage.UsageCloudEvent>))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
