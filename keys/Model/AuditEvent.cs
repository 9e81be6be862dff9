namespace ApiGateway.Keys.Model;

/// <summary>Who did what to which key. <see cref="Details"/> is a JSON object and never holds a secret or hash.</summary>
public sealed record AuditEvent
{
    public long Id { get; init; }
    public required DateTimeOffset At { get; init; }
    public required Actor Actor { get; init; }
    public required string Action { get; init; }
    public string? KeyId { get; init; }
    public string? KeyName { get; init; }
    public string? Details { get; init; }
}

/// <summary>The admin credential that acted (or <see cref="System"/> for bootstrap).</summary>
public sealed record Actor(string Id, string Name)
{
    public static readonly Actor System = new("system", "system");

    /// <summary>
    /// For an actor acting in a portal session (<c>portal:&lt;owner&gt;</c>): the admin credential id that opened the
    /// session. Every audit event by this actor records it as <c>details.session</c> (docs/portal.md).
    /// </summary>
    public string? Session { get; init; }

    /// <summary>Nobody signed in: the actor of a failed sign-in.</summary>
    public static readonly Actor Anonymous = new("anonymous", "anonymous");
}

public static class AuditActions
{
    public const string KeyCreated = "key.created";
    public const string KeyUpdated = "key.updated";
    public const string KeyRevoked = "key.revoked";
    public const string KeyRotated = "key.rotated";
    /// <summary>A key reported as leaked (<c>POST /v1/leaks</c>, GitHub secret scanning): details <c>source</c>, <c>url</c>, <c>result</c>.</summary>
    public const string KeyLeaked = "key.leaked";
    public const string KeyDisabled = "key.disabled";
    public const string KeyEnabled = "key.enabled";
    public const string KeyImported = "key.imported";
    public const string AdminCreated = "admin.created";
    public const string AdminRevoked = "admin.revoked";
    public const string AdminBootstrapped = "admin.bootstrapped";
    public const string PortalSessionCreated = "portal.session_created";
    public const string AdminSignInFailed = "admin.signin_failed";
    /// <summary>A webhook endpoint registered: details <c>url</c>, <c>events</c> (never its secret).</summary>
    public const string WebhookCreated = "webhook.created";
    public const string WebhookDeleted = "webhook.deleted";
    /// <summary>A workspace's limits set or changed (<c>keyId</c> null): details <c>workspaceId</c>, <c>tier</c>, <c>rateLimit</c>, <c>quota</c>.</summary>
    public const string WorkspaceLimitsUpdated = "workspace.limits_updated";
    /// <summary>A workspace's limits removed (<c>keyId</c> null): details <c>workspaceId</c>.</summary>
    public const string WorkspaceLimitsRemoved = "workspace.limits_removed";
}
