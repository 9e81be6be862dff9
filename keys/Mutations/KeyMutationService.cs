using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.Mutations;

/// <summary>
/// Every change to keys and admin credentials, for the API, the console and anything after them: create, update,
/// revoke and rotate keys; create, revoke and bootstrap admin credentials. Each runs as one store write transaction that
/// reads what its rules (<see cref="KeyWriteRules"/>) depend on under the store's locks, checks them there, and writes
/// the change with its audit event and change-feed rows; <see cref="IKeyMutationHook"/>s add their rows to the same
/// transaction. After commit, and only for a change that changed something, every <see cref="IKeyMutationListener"/> is told.
/// </summary>
public sealed class KeyMutationService(
    IKeyWriteStore store,
    KeyMinter minter,
    IEnumerable<IKeyMutationHook> hooks,
    IEnumerable<IKeyMutationListener> listeners,
    IOptions<KeysOptions> options,
    TimeProvider time,
    ILogger<KeyMutationService> logger)
{
    private readonly MutationTransaction _transaction = new(store, hooks, listeners, logger);

    private int MaxActivePerOwner => options.Value.MaxActivePerOwner;

    /// <summary>Mints and stores a key unless its owner already holds the most active keys allowed.</summary>
    public Task<IssueKeyResult> CreateAsync(KeySpec spec, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(actor);
        var (plaintext, key) = minter.MintKey(spec, Ids.New("lin"), rotatedFrom: null, actor);
        return WriteAsync(async writer =>
        {
            if (key.Key.Owner is { } owner && await writer.CountActiveKeysAsync(owner, time.GetUtcNow()) >= MaxActivePerOwner)
            {
                return Refused(new IssueKeyResult(CreateKeyStatus.OwnerLimitReached, null));
            }
            await InsertAsync(writer, key);
            await writer.AppendAuditAsync(AuditActions.KeyCreated, actor, key.Key.Id, key.Key.Name, KeyAuditDetails.Created(key.Key));
            return Changed(new IssueKeyResult(CreateKeyStatus.Created, new IssuedKey(key.Key, plaintext)),
                new KeyMutation(AuditActions.KeyCreated, actor, key.Key.Id, [key.Key.Id]));
        }, cancellationToken);
    }

    /// <summary>
    /// Stores keys from another system all together or not at all (docs/admin-api.md, "Import keys"): refused, naming the
    /// item, when a hash repeats an earlier item's or is stored already (checked under the import lock), or when an item
    /// would put its owner over the active-key cap (counted under each owner's lock, with the import's own keys). Each
    /// stored key gets its change-feed row (a gateway that cached "no such key" for the hash re-reads it) and a
    /// <c>key.imported</c> audit event; listeners are told once, of the whole import.
    /// </summary>
    public Task<ImportKeysResult> ImportAsync(IReadOnlyList<KeyImport> items, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentOutOfRangeException.ThrowIfZero(items.Count);
        var seen = new HashSet<KeyHash>();
        for (var i = 0; i < items.Count; i++)
        {
            if (!seen.Add(items[i].Hash))
            {
                return Task.FromResult(new ImportKeysResult(ImportKeysStatus.DuplicateInImport, [], i));
            }
        }
        var keys = items.Select(item => minter.Import(item, actor)).ToList();
        return WriteAsync(async writer =>
        {
            var stored = await writer.FindStoredHashesAsync([.. items.Select(item => item.Hash)]);
            for (var i = 0; i < items.Count; i++)
            {
                if (stored.Contains(items[i].Hash))
                {
                    return Refused(new ImportKeysResult(ImportKeysStatus.HashExists, [], i));
                }
            }
            if (await FirstOverOwnerCapAsync(writer, keys) is { } over)
            {
                return Refused(new ImportKeysResult(ImportKeysStatus.OwnerLimitReached, [], over));
            }
            foreach (var key in keys)
            {
                await InsertAsync(writer, key);
                await writer.AppendAuditAsync(AuditActions.KeyImported, actor, key.Key.Id, key.Key.Name, KeyAuditDetails.Created(key.Key));
            }
            var ids = keys.Select(k => k.Key.Id).ToList();
            return Changed(new ImportKeysResult(ImportKeysStatus.Imported, [.. keys.Select(k => k.Key)]),
                new KeyMutation(AuditActions.KeyImported, actor, ids[0], ids));
        }, cancellationToken);
    }

    /// <summary>
    /// The index of the first key that would put its owner over <see cref="MaxActivePerOwner"/>, counting the owner's
    /// stored active keys and the import's earlier ones; owners are locked in ordinal order, as two imports may share them.
    /// </summary>
    private async Task<int?> FirstOverOwnerCapAsync(IKeyStoreWriter writer, List<NewKey> keys)
    {
        var now = time.GetUtcNow();
        var active = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var owner in keys.Select(k => k.Key.Owner).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            active[owner] = await writer.CountActiveKeysAsync(owner, now);
        }
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].Key.Owner is { } owner && ++active[owner] > MaxActivePerOwner)
            {
                return i;
            }
        }
        return null;
    }

    /// <summary>
    /// Applies <paramref name="update"/> if <see cref="KeyWriteRules.CheckUpdate"/> allows it on the key as it stands under
    /// its row lock (a key revoked, expired or rotated a moment earlier is refused, never revived). Only the fields whose
    /// value really changes are written (<see cref="KeyUpdate.Against"/>): an update that changes nothing writes nothing.
    /// Changed fields other than <c>enabled</c> are one <c>key.updated</c> event; disabling or re-enabling is its own
    /// <c>key.disabled</c>/<c>key.enabled</c> event, which is then the mutation listeners are told of.
    /// </summary>
    public Task<UpdateKeyOutcome> UpdateAsync(string id, KeyUpdate update, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(actor);
        return WriteAsync(async writer =>
        {
            var current = await writer.LockKeyAsync(id);
            if (current is null)
            {
                return Refused(new UpdateKeyOutcome(UpdateKeyStatus.NotFound, null));
            }
            var now = time.GetUtcNow();
            var verdict = KeyWriteRules.CheckUpdate(current, update, now);
            var changes = update.Against(current);
            if (verdict != UpdateKeyStatus.Updated || changes.IsEmpty)
            {
                return Refused(new UpdateKeyOutcome(verdict, current));
            }
            var updated = changes.ApplyTo(current, now);
            await writer.UpdateKeyAsync(updated);
            // Gateways drop cached copies from the change feed: without this row a PATCH would wait for the cache TTL.
            await writer.AppendChangeAsync(id);
            var action = AuditActions.KeyUpdated;
            if (changes.ChangedFields().Count > 0)
            {
                await writer.AppendAuditAsync(AuditActions.KeyUpdated, actor, id, updated.Name, KeyAuditDetails.Updated(current, updated, changes));
            }
            if (changes.Enabled.IsSet)
            {
                action = updated.Enabled ? AuditActions.KeyEnabled : AuditActions.KeyDisabled;
                await writer.AppendAuditAsync(action, actor, id, updated.Name, details: null);
            }
            return Changed(new UpdateKeyOutcome(UpdateKeyStatus.Updated, updated), new KeyMutation(action, actor, id, [id]));
        }, cancellationToken);
    }

    /// <summary>Revokes now; revoking a revoked key changes nothing and writes no second event. Null when no such key exists.</summary>
    public Task<ApiKey?> RevokeAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return WriteAsync(async writer =>
        {
            var current = await writer.LockKeyAsync(id);
            var now = time.GetUtcNow();
            if (current is null || (current.RevokedAt is not null && current.RevokedAt <= now))
            {
                return Refused(current);
            }
            var revoked = current with { RevokedAt = now };
            await EndAsync(writer, revoked, actor, AuditActions.KeyRevoked, details: null);
            return Changed<ApiKey?>(revoked, new KeyMutation(AuditActions.KeyRevoked, actor, id, [id]));
        }, cancellationToken);
    }

    /// <summary>
    /// A leak report for the key whose secret has this hash (docs/admin-api.md, "Leaked keys"), decided by
    /// <see cref="KeyLeakRules"/> on the key as it stands under its row lock: a live key is revoked exactly as by
    /// <see cref="RevokeAsync"/> (or flagged), with its change-feed row and a <c>key.leaked</c> audit event, and listeners
    /// are told as after a revoke; a key revoked already still records the report. <see cref="LeakResult.Unknown"/> (no
    /// such key) writes nothing.
    /// </summary>
    public Task<(LeakResult Result, ApiKey? Key)> ReportLeakAsync(KeyHash hash, LeakAction action, LeakReport report, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(actor);
        return WriteAsync(async writer =>
        {
            if (await writer.LockKeyByHashAsync(hash) is not { } current)
            {
                return Refused<(LeakResult, ApiKey?)>((LeakResult.Unknown, null));
            }
            var (result, reported) = KeyLeakRules.Apply(current, action, report.Source, time.GetUtcNow());
            await writer.RecordLeakAsync(reported);
            // Gateways re-read the key within the freshness bound, as after a DELETE.
            await writer.AppendChangeAsync(reported.Id);
            await writer.AppendAuditAsync(AuditActions.KeyLeaked, actor, reported.Id, reported.Name, KeyAuditDetails.Leaked(report, result));
            return Changed<(LeakResult, ApiKey?)>((result, reported), new KeyMutation(AuditActions.KeyLeaked, actor, reported.Id, [reported.Id]));
        }, cancellationToken);
    }

    /// <summary>
    /// Mints a successor in the key's lineage copying everything but id, secret and dates. <paramref name="gracePeriod"/>
    /// zero revokes the old key now; otherwise it expires then (or sooner, if it was due to), and the successor then counts
    /// against the owner's cap beside it. Without <paramref name="expiresAt"/> the successor gets the old key's lifetime
    /// length, capped at <see cref="KeyLifetime.Max"/> (an old key that expires in year 9999 must not overflow the successor's date).
    /// </summary>
    public Task<RotateResult> RotateAsync(string id, TimeSpan gracePeriod, DateTimeOffset? expiresAt, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return WriteAsync(async writer =>
        {
            // The row lock makes "still active and not yet rotated" and the rotation one step: a second rotate waits, then sees rotatedTo.
            var current = await writer.LockKeyAsync(id);
            if (current is null)
            {
                return Refused(new RotateResult(RotateKeyStatus.NotFound, null, null));
            }
            var now = time.GetUtcNow();
            if (!KeyWriteRules.CanRotate(current, now))
            {
                return Refused(new RotateResult(RotateKeyStatus.NotRotatable, null, current));
            }
            DateTimeOffset? oldKeyEndsAt = gracePeriod <= TimeSpan.Zero ? null : now + gracePeriod;
            if (KeyWriteRules.RotationNeedsCapRoom(current, oldKeyEndsAt)
                && await writer.CountActiveKeysAsync(current.Owner!, now) >= MaxActivePerOwner)
            {
                return Refused(new RotateResult(RotateKeyStatus.OwnerLimitReached, null, current));
            }
            var successorExpiry = expiresAt ?? (current.ExpiresAt is { } oldExpiry ? KeyLifetime.From(now, oldExpiry - current.CreatedAt) : null);
            var spec = new KeySpec(current.Name, current.WorkspaceId, current.Scopes, current.Owner, current.Mode, successorExpiry,
                current.Tier, current.RateLimit, current.Quota, current.AllowedIps, current.Workspaces);
            var (plaintext, successor) = minter.MintKey(spec, current.LineageId, current.Id, actor);
            await InsertAsync(writer, successor);
            // Grace 0 revokes now; a grace period ends the old key by expiry, unless it was due to expire sooner anyway.
            var predecessor = oldKeyEndsAt is null
                ? current with { RevokedAt = now, RotatedTo = successor.Key.Id }
                : current with { ExpiresAt = current.ExpiresAt is { } e && e < oldKeyEndsAt ? e : oldKeyEndsAt, RotatedTo = successor.Key.Id };
            await EndAsync(writer, predecessor, actor, AuditActions.KeyRotated, KeyAuditDetails.Rotated(successor.Key, oldKeyEndsAt));
            await writer.AppendAuditAsync(AuditActions.KeyCreated, actor, successor.Key.Id, successor.Key.Name, KeyAuditDetails.Created(successor.Key));
            return Changed(new RotateResult(RotateKeyStatus.Rotated, new IssuedKey(successor.Key, plaintext), predecessor),
                new KeyMutation(AuditActions.KeyRotated, actor, id, [successor.Key.Id, id]));
        }, cancellationToken);
    }

    public Task<IssuedAdminCredential> CreateAdminAsync(string name, AdminRole role, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (plaintext, credential, hash) = minter.MintAdmin(name, role, actor.Id);
        return WriteAsync(async writer =>
        {
            await writer.InsertAdminAsync(credential, hash);
            await writer.AppendAuditAsync(AuditActions.AdminCreated, actor, null, null, AdminRow.AuditDetails(credential));
            return Changed(new IssuedAdminCredential(credential, plaintext), new KeyMutation(AuditActions.AdminCreated, actor, credential.Id, []));
        }, cancellationToken);
    }

    /// <summary>
    /// Revokes now (idempotent), unless it is the last active owner credential (<see cref="KeyWriteRules.IsLastActiveOwner"/>):
    /// the check and the revocation are one step under the admin-revocation lock, so two owners revoking each other at
    /// once leave one of them.
    /// </summary>
    public Task<RevokeAdminOutcome> RevokeAdminAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return WriteAsync(async writer =>
        {
            var current = await writer.LockAdminAsync(id);
            if (current is null)
            {
                return Refused(new RevokeAdminOutcome(RevokeAdminStatus.NotFound, null));
            }
            if (!current.IsActive)
            {
                return Refused(new RevokeAdminOutcome(RevokeAdminStatus.Revoked, current));
            }
            if (KeyWriteRules.IsLastActiveOwner(current, await writer.CountOtherActiveOwnersAsync(id)))
            {
                return Refused(new RevokeAdminOutcome(RevokeAdminStatus.LastOwner, current));
            }
            var revoked = current with { RevokedAt = time.GetUtcNow() };
            await writer.RevokeAdminAsync(id, revoked.RevokedAt!.Value);
            await writer.AppendAuditAsync(AuditActions.AdminRevoked, actor, null, null, AdminRow.AuditDetails(revoked));
            return Changed(new RevokeAdminOutcome(RevokeAdminStatus.Revoked, revoked), new KeyMutation(AuditActions.AdminRevoked, actor, id, []));
        }, cancellationToken);
    }

    /// <summary>
    /// Creates the first owner credential unless one exists ("none yet" and the insert are one step under the bootstrap
    /// lock, however many processes start together). Null when one existed.
    /// </summary>
    public Task<IssuedAdminCredential?> BootstrapAsync(string? configuredSecret, CancellationToken cancellationToken)
    {
        var (plaintext, credential, hash) = minter.MintBootstrap(configuredSecret);
        return WriteAsync(async writer =>
        {
            if (await writer.AnyAdminAsync())
            {
                return Refused<IssuedAdminCredential?>(null);
            }
            await writer.InsertAdminAsync(credential, hash);
            await writer.AppendAuditAsync(AuditActions.AdminBootstrapped, Actor.System, null, null, AdminRow.AuditDetails(credential));
            return Changed<IssuedAdminCredential?>(new IssuedAdminCredential(credential, plaintext),
                new KeyMutation(AuditActions.AdminBootstrapped, Actor.System, credential.Id, []));
        }, cancellationToken);
    }

    private static async Task InsertAsync(IKeyStoreWriter writer, NewKey key)
    {
        await writer.InsertKeyAsync(key);
        await writer.AppendChangeAsync(key.Key.Id);
    }

    /// <summary>Writes how a key ends (revoked, expiry, successor), its change-feed row and its audit event.</summary>
    private static async Task EndAsync(IKeyStoreWriter writer, ApiKey ended, Actor actor, string action, string? details)
    {
        await writer.EndKeyAsync(ended);
        await writer.AppendChangeAsync(ended.Id);
        await writer.AppendAuditAsync(action, actor, ended.Id, ended.Name, details);
    }

    private static (T Result, KeyMutation? Mutation) Refused<T>(T result) => (result, null);

    private static (T Result, KeyMutation? Mutation) Changed<T>(T result, KeyMutation mutation) => (result, mutation);

    /// <summary>One write transaction: the work, then every hook on its mutation, then commit; then the listeners.</summary>
    private Task<T> WriteAsync<T>(Func<IKeyStoreWriter, Task<(T Result, KeyMutation? Mutation)>> work, CancellationToken cancellationToken) =>
        _transaction.WriteAsync(work, cancellationToken);
}
