using System.Text.Json;

namespace ApiGateway.AdminApi.Contracts;

/// <summary>One audit event. <see cref="Details"/> is a JSON object and never holds a secret or hash.</summary>
public sealed record AuditRecord(long Id, DateTimeOffset At, AuditActor Actor, string Action, string? KeyId, string? KeyName, JsonElement Details);

/// <summary>The admin credential that acted (<c>system</c> for bootstrap).</summary>
public sealed record AuditActor(string Id, string Name);
