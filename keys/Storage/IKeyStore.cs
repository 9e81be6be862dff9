using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// Reading keys and their audit trail. Every mutation goes through <see cref="Mutations.KeyMutationService"/>, which writes
/// the key, its audit event and its change-feed row in one <see cref="IKeyWriteStore"/> transaction. Implemented once,
/// over a dialect per engine (<see cref="KeyStore"/>).
/// </summary>
public interface IKeyStore
{
    Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The gateway's lookup: the key whose hash this is, whatever its status.</summary>
    Task<ApiKey?> FindByHashAsync(KeyHash hash, CancellationToken cancellationToken);

    Task<KeyPage> ListAsync(KeyQuery query, CancellationToken cancellationToken);

    Task<AuditPage> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>A key about to be stored. <see cref="Hash"/> is the only form of the secret that reaches a store.</summary>
public sealed record NewKey(ApiKey Key, KeyHash Hash);

public enum CreateKeyStatus
{
    Created,
    OwnerLimitReached,
}

public enum RotateKeyStatus
{
    Rotated,
    NotFound,
    /// <summary>Revoked, expired or already rotated: only a live key can be rotated.</summary>
    NotRotatable,
    /// <summary>A rotation with grace would give the owner one active key more than the cap allows.</summary>
    OwnerLimitReached,
}

public enum UpdateKeyStatus
{
    Updated,
    NotFound,
    /// <summary>Revoked or expired: only an active key can change.</summary>
    NotActive,
    /// <summary>The key was rotated: its expiry is the end of its grace period and cannot move.</summary>
    ExpiryFixedByRotation,
}

/// <summary>The key after the update, or as it stands when refused (null when not found).</summary>
public sealed record UpdateKeyOutcome(UpdateKeyStatus Status, ApiKey? Key);

/// <summary>A page of keys, newest first. Every filter is optional; set ones combine.</summary>
public sealed record KeyQuery(string? WorkspaceId, string? Owner, KeyStatus? Status, int Limit, int Offset)
{
    /// <summary>The name contains this, case-insensitively (a scan of the filtered keys).</summary>
    public string? NameContains { get; init; }

    /// <summary>The visible prefix starts with this, case-sensitively (an index range: finds one key among millions).</summary>
    public string? PrefixStartsWith { get; init; }

    /// <summary>Keyset paging: only keys listed after this one (see <see cref="KeyPage.Next"/>); no deep OFFSET scan.</summary>
    public KeyCursor? After { get; init; }
}

/// <summary>A position in the newest-first key list: the created time (Unix ms) and id of the last key of a page.</summary>
public sealed record KeyCursor(long CreatedAtMs, string Id);

/// <summary><see cref="Total"/> counts every match of the filters; <see cref="Next"/> is null on the last page.</summary>
public sealed record KeyPage(IReadOnlyList<ApiKey> Items, int Total, KeyCursor? Next = null);

public sealed record AuditQuery(string? KeyId, string? Action, int Limit, int Offset)
{
    /// <summary>Keyset paging: only events older than this id (see <see cref="AuditPage.NextBeforeId"/>).</summary>
    public long? BeforeId { get; init; }
}

/// <summary><see cref="Total"/> counts every match of the filters; <see cref="NextBeforeId"/> is null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, int Total, long? NextBeforeId = null);

/// <summary>A field of a PATCH: absent (leave alone) or present with a value, where null clears it.</summary>
public readonly record struct PatchField<T>(bool IsSet, T Value);

/// <summary>
/// The fields <c>PATCH /v1/keys/{id}</c> may change. <see cref="Enabled"/> pauses or resumes the key and is audited as
/// <c>key.disabled</c>/<c>key.enabled</c>; the others are audited together as <c>key.updated</c>.
/// </summary>
public sealed record KeyUpdate
{
    public PatchField<string> Name { get; init; }
    public PatchField<IReadOnlyList<string>> Scopes { get; init; }
    public PatchField<string?> Tier { get; init; }
    public PatchField<RateLimitOverride?> RateLimit { get; init; }
    public PatchField<QuotaOverride?> Quota { get; init; }
    public PatchField<IReadOnlyList<string>> AllowedIps { get; init; }
    public PatchField<DateTimeOffset?> ExpiresAt { get; init; }
    public PatchField<bool> Enabled { get; init; }

    /// <summary>The fields of a <c>key.updated</c> event this update sets (every field but <see cref="Enabled"/>).</summary>
    public IReadOnlyList<string> ChangedFields()
    {
        var fields = new List<string>();
        if (Name.IsSet) { fields.Add("name"); }
        if (Scopes.IsSet) { fields.Add("scopes"); }
        if (Tier.IsSet) { fields.Add("tier"); }
        if (RateLimit.IsSet) { fields.Add("rateLimit"); }
        if (Quota.IsSet) { fields.Add("quota"); }
        if (AllowedIps.IsSet) { fields.Add("allowedIps"); }
        if (ExpiresAt.IsSet) { fields.Add("expiresAt"); }
        return fields;
    }

    /// <summary>Sets no field at all (after <see cref="Against"/>: changes nothing).</summary>
    public bool IsEmpty => ChangedFields().Count == 0 && !Enabled.IsSet;

    /// <summary>
    /// This update without the fields that already hold the value sent: what it really changes on <paramref name="current"/>.
    /// Scopes and allowed IPs compare as sets, times to the stored millisecond. A PATCH that resends what is stored
    /// writes nothing, audits nothing and wakes nobody.
    /// </summary>
    public KeyUpdate Against(ApiKey current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return new KeyUpdate
        {
            Name = Keep(Name, current.Name, string.Equals),
            Scopes = Keep(Scopes, current.Scopes, SameSet),
            Tier = Keep(Tier, current.Tier, string.Equals),
            RateLimit = Keep(RateLimit, current.RateLimit, Equals),
            Quota = Keep(Quota, current.Quota, Equals),
            AllowedIps = Keep(AllowedIps, current.AllowedIps, SameSet),
            ExpiresAt = Keep(ExpiresAt, current.ExpiresAt, (a, b) => UnixMs.From(a) == UnixMs.From(b)),
            Enabled = Keep(Enabled, current.Enabled, (a, b) => a == b),
        };
    }

    /// <summary>The key with this update applied; disabling stamps <paramref name="now"/>, enabling clears it.</summary>
    public ApiKey ApplyTo(ApiKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key with
        {
            Name = Name.IsSet ? Name.Value : key.Name,
            Scopes = Scopes.IsSet ? Scopes.Value : key.Scopes,
            Tier = Tier.IsSet ? Tier.Value : key.Tier,
            RateLimit = RateLimit.IsSet ? RateLimit.Value : key.RateLimit,
            Quota = Quota.IsSet ? Quota.Value : key.Quota,
            AllowedIps = AllowedIps.IsSet ? AllowedIps.Value : key.AllowedIps,
            ExpiresAt = ExpiresAt.IsSet ? ExpiresAt.Value : key.ExpiresAt,
            DisabledAt = !Enabled.IsSet ? key.DisabledAt : Enabled.Value ? null : key.DisabledAt ?? now,
        };
    }

    private static PatchField<T> Keep<T>(PatchField<T> field, T current, Func<T, T, bool> same) =>
        field.IsSet && !same(field.Value, current) ? field : default;

    private static bool SameSet(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.ToHashSet(StringComparer.Ordinal).SetEquals(b);
}
