namespace ApiGateway.Keys.Portal;

/// <summary>
/// A self-serve key page session (docs/portal.md): what one SaaS user may see and do there. Opened by an admin
/// credential (<see cref="CreatedBy"/>) for one workspace and owner; the one-time token that starts it is never stored.
/// </summary>
public sealed record PortalSession
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string Owner { get; init; }
    public string? DisplayName { get; init; }
    /// <summary>The user's own permissions, as the SaaS sent them: catalogue scopes, <c>*:read</c> or <c>*</c>.</summary>
    public required IReadOnlyList<string> AllowedScopes { get; init; }
    public string? ReturnUrl { get; init; }
    /// <summary>The admin credential id that opened the session; recorded as <c>details.session</c> on every portal change.</summary>
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required int TtlSeconds { get; init; }
    public required DateTimeOffset TokenExpiresAt { get; init; }
    /// <summary>When the token was traded for the cookie; null while it has not been.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? SessionExpiresAt { get; init; }

    /// <summary>The longest a started session lasts, whatever its token's time to live.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    /// <summary>One hour at most, and never beyond twelve times the token's time to live.</summary>
    public TimeSpan Lifetime => TimeSpan.FromSeconds(Math.Min(MaxLifetime.TotalSeconds, TtlSeconds * 12.0));

    /// <summary>The audit actor of changes made in this session: the owner, shown by the display name the SaaS gave.</summary>
    public Model.Actor Actor => new("portal:" + Owner, DisplayName ?? Owner) { Session = CreatedBy };

    public bool IsLiveAt(DateTimeOffset now) => StartedAt is not null && SessionExpiresAt is { } end && now < end;
}
