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

/// <summary>The fields <c>PATCH /v1/keys/{id}</c> may change.</summary>
public sealed record KeyUpdate
{
    public PatchField<string> Name { get; init; }
    public PatchField<IReadOnlyList<string>> Scopes { get; init; }
    public PatchField<string?> Tier { get; init; }
    public PatchField<RateLimitOverride?> RateLimit { get; init; }
    public PatchField<QuotaOverride?> Quota { get; init; }
    public PatchField<IReadOnlyList<string>> AllowedIps { get; init; }
    public PatchField<DateTimeOffset?> ExpiresAt { get; init; }

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

    public ApiKey ApplyTo(ApiKey key) => key with
    {
        Name = Name.IsSet ? Name.Value : key.Name,
        Scopes = Scopes.IsSet ? Scopes.Value : key.Scopes,
        Tier = Tier.IsSet ? Tier.Value : key.Tier,
        RateLimit = RateLimit.IsSet ? RateLimit.Value : key.RateLimit,
        Quota = Quota.IsSet ? Quota.Value : key.Quota,
        AllowedIps = AllowedIps.IsSet ? AllowedIps.Value : key.AllowedIps,
        ExpiresAt = ExpiresAt.IsSet ? ExpiresAt.Value : key.ExpiresAt,
    };
}
