using System.Data.Common;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// <see cref="IKeyStore"/> on either engine. Each mutation is one write transaction that reads the key under the
/// dialect's row lock, checks <see cref="KeyWriteRules"/> on that read, and writes the key, its audit event and its
/// change-feed row; the per-owner cap is counted under the owner's lock. What the engines do differently is
/// <see cref="IStoreDialect"/>.
/// </summary>
public sealed class KeyStore(IStoreDialect dialect, TimeProvider time) : IKeyStore
{
    private const string SelectById = "SELECT " + KeyRow.Columns + " FROM api_keys WHERE id = @id";

    public async Task<CreateKeyOutcome> CreateAsync(NewKey key, int maxActivePerOwner, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        if (key.Key.Owner is { } owner && await CountActiveUnderOwnerLockAsync(connection, transaction, owner, cancellationToken) >= maxActivePerOwner)
        {
            return new CreateKeyOutcome(CreateKeyStatus.OwnerLimitReached, null);
        }
        await InsertAsync(connection, transaction, key, cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyCreated, key.Key, KeyAuditDetails.Created(key.Key), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CreateKeyOutcome(CreateKeyStatus.Created, key.Key);
    }

    public async Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(SelectById, new { id }, cancellationToken: cancellationToken));
        return row?.ToApiKey();
    }

    public async Task<ApiKey?> FindByHashAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            "SELECT " + KeyRow.Columns + " FROM api_keys WHERE hash = @hash", new { hash = hash.ToArray() }, cancellationToken: cancellationToken));
        return row?.ToApiKey();
    }

    public async Task<KeyPage> ListAsync(KeyQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = KeyRow.ListParameters(query, time.GetUtcNow());
        await using var connection = await dialect.OpenAsync(cancellationToken);
        // One snapshot for the count and the page: a key created between them is in both or in neither.
        await using var transaction = await dialect.BeginSnapshotAsync(connection, cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM api_keys" + KeyRow.ListWhere(query), parameters, transaction, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(KeyRow.ListPage(query), parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return KeyRow.ToPage([.. rows], total, query.Limit);
    }

    public async Task<UpdateKeyOutcome> UpdateAsync(string id, KeyUpdate update, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        // The row lock orders this after a concurrent revoke or rotate of the key, so the rules see their result.
        var current = await GetForUpdateAsync(connection, transaction, id, cancellationToken);
        if (current is null)
        {
            return new UpdateKeyOutcome(UpdateKeyStatus.NotFound, null);
        }
        var verdict = KeyWriteRules.CheckUpdate(current, update, time.GetUtcNow());
        if (verdict != UpdateKeyStatus.Updated || update.ChangedFields().Count == 0)
        {
            return new UpdateKeyOutcome(verdict, current);
        }
        var updated = update.ApplyTo(current);
        await connection.ExecuteAsync(new CommandDefinition(KeyRow.UpdateMutable, KeyRow.Parameters(updated, hash: null), transaction, cancellationToken: cancellationToken));
        // Gateways drop cached copies from the change feed: without this row a PATCH would wait for the cache TTL.
        await AppendChangeAsync(connection, transaction, id, cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyUpdated, updated, KeyAuditDetails.Updated(current, updated, update), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new UpdateKeyOutcome(UpdateKeyStatus.Updated, updated);
    }

    public async Task<ApiKey?> RevokeAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var current = await GetForUpdateAsync(connection, transaction, id, cancellationToken);
        if (current is null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (current.RevokedAt is not null && current.RevokedAt <= now)
        {
            return current;
        }
        var revoked = current with { RevokedAt = now };
        await SetEndAsync(connection, transaction, revoked, cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyRevoked, revoked, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return revoked;
    }

    public async Task<(LeakResult Result, ApiKey? Key)> ReportLeakAsync(KeyHash hash, LeakAction action, LeakReport report, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            "SELECT " + KeyRow.Columns + " FROM api_keys WHERE hash = @hash" + dialect.RowLock, new { hash = hash.ToArray() }, transaction, cancellationToken: cancellationToken));
        if (row?.ToApiKey() is not { } current)
        {
            return (LeakResult.Unknown, null);
        }
        var (result, reported) = KeyLeakRules.Apply(current, action, report.Source, time.GetUtcNow());
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @revokedAt, leaked_at = @leakedAt, leak_source = @leakSource WHERE id = @id",
            new { id = reported.Id, revokedAt = UnixMs.From(reported.RevokedAt), leakedAt = UnixMs.From(reported.LeakedAt), leakSource = reported.LeakSource },
            transaction, cancellationToken: cancellationToken));
        // Gateways re-read the key within the freshness bound, as after a DELETE.
        await AppendChangeAsync(connection, transaction, reported.Id, cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyLeaked, reported, KeyAuditDetails.Leaked(report, result), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (result, reported);
    }

    public async Task<RotateKeyOutcome> RotateAsync(string id, NewKey successor, DateTimeOffset? oldKeyEndsAt, int maxActivePerOwner, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(successor);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        // The row lock makes "still active and not yet rotated" and the rotation one step: a second rotate waits, then sees rotated_to.
        var current = await GetForUpdateAsync(connection, transaction, id, cancellationToken);
        if (current is null)
        {
            return new RotateKeyOutcome(RotateKeyStatus.NotFound, null, null);
        }
        var now = time.GetUtcNow();
        if (!KeyWriteRules.CanRotate(current, now))
        {
            return new RotateKeyOutcome(RotateKeyStatus.NotRotatable, null, current);
        }
        if (KeyWriteRules.RotationNeedsCapRoom(current, oldKeyEndsAt)
            && await CountActiveUnderOwnerLockAsync(connection, transaction, current.Owner!, cancellationToken) >= maxActivePerOwner)
        {
            return new RotateKeyOutcome(RotateKeyStatus.OwnerLimitReached, null, current);
        }
        var next = successor.Key with { LineageId = current.LineageId, RotatedFrom = current.Id };
        await InsertAsync(connection, transaction, successor with { Key = next }, cancellationToken);

        // Grace 0 revokes now; a grace period ends the old key by expiry, unless it was due to expire sooner anyway.
        var predecessor = oldKeyEndsAt is null
            ? current with { RevokedAt = now, RotatedTo = next.Id }
            : current with { ExpiresAt = current.ExpiresAt is { } e && e < oldKeyEndsAt ? e : oldKeyEndsAt, RotatedTo = next.Id };
        await SetEndAsync(connection, transaction, predecessor, cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyRotated, predecessor, KeyAuditDetails.Rotated(next, oldKeyEndsAt), cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyCreated, next, KeyAuditDetails.Created(next), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RotateKeyOutcome(RotateKeyStatus.Rotated, next, predecessor);
    }

    public async Task<AuditPage> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = AuditRow.ListParameters(query);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginSnapshotAsync(connection, cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM audit_events" + AuditRow.ListFilter, parameters, transaction, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(AuditRow.ListPage(query), parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return AuditRow.ToPage([.. rows], total, query.Limit);
    }

    private Task AppendAuditAsync(DbConnection connection, DbTransaction transaction, Actor actor, string action, ApiKey key, string? details, CancellationToken cancellationToken) =>
        AuditRow.AppendAsync(connection, transaction, time.GetUtcNow(), actor, action, key.Id, key.Name, details, cancellationToken);

    private async Task InsertAsync(DbConnection connection, DbTransaction transaction, NewKey key, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO key_lineages (id, created_at) VALUES (@LineageId, @CreatedAt) ON CONFLICT (id) DO NOTHING",
            new { key.Key.LineageId, CreatedAt = UnixMs.From(key.Key.CreatedAt) }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(KeyRow.Insert, KeyRow.Parameters(key.Key, key.Hash.ToArray()), transaction, cancellationToken: cancellationToken));
        await AppendChangeAsync(connection, transaction, key.Key.Id, cancellationToken);
    }

    /// <summary>Writes how <paramref name="key"/> ends (revoked, expiry, successor) and feeds the change.</summary>
    private async Task SetEndAsync(DbConnection connection, DbTransaction transaction, ApiKey key, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @revokedAt, expires_at = @expiresAt, rotated_to = @rotatedTo WHERE id = @id",
            new { id = key.Id, revokedAt = UnixMs.From(key.RevokedAt), expiresAt = UnixMs.From(key.ExpiresAt), rotatedTo = key.RotatedTo },
            transaction, cancellationToken: cancellationToken));
        await AppendChangeAsync(connection, transaction, key.Id, cancellationToken);
    }

    private async Task AppendChangeAsync(DbConnection connection, DbTransaction transaction, string keyId, CancellationToken cancellationToken)
    {
        await dialect.LockChangeFeedAsync(connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO key_changes (key_id, at) VALUES (@keyId, @at)",
            new { keyId, at = UnixMs.From(time.GetUtcNow()) }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Takes the owner's lock (held to commit), then counts the owner's active keys: the count sees every key a previous
    /// holder committed, so check and insert are one step per owner, for mints and rotations with grace alike.
    /// </summary>
    private async Task<long> CountActiveUnderOwnerLockAsync(DbConnection connection, DbTransaction transaction, string owner, CancellationToken cancellationToken)
    {
        await dialect.LockAsync(connection, transaction, AdvisoryLock.Owner, owner, cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            KeyRow.CountActiveByOwner, new { owner, now = UnixMs.From(time.GetUtcNow()) }, transaction, cancellationToken: cancellationToken));
    }

    private async Task<ApiKey?> GetForUpdateAsync(DbConnection connection, DbTransaction transaction, string id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(SelectById + dialect.RowLock, new { id }, transaction, cancellationToken: cancellationToken));
        return row?.ToApiKey();
    }
}
