using System.Data;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage.Sqlite;

public sealed class SqliteKeyStore(SqliteDatabase database, TimeProvider time) : IKeyStore
{
    private const string Insert = KeyRow.Insert;

    private const string SelectById = "SELECT " + KeyRow.Columns + " FROM api_keys WHERE id = @id";

    public async Task<CreateKeyOutcome> CreateAsync(NewKey key, int maxActivePerOwner, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        if (key.Key.Owner is not null
            && await CountActiveAsync(connection, transaction, key.Key.Owner, cancellationToken) >= maxActivePerOwner)
        {
            return new CreateKeyOutcome(CreateKeyStatus.OwnerLimitReached, null);
        }
        await InsertAsync(connection, transaction, key, cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyCreated, key.Key, KeyAuditDetails.Created(key.Key), cancellationToken);
        transaction.Commit();
        return new CreateKeyOutcome(CreateKeyStatus.Created, key.Key);
    }

    public async Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(SelectById, new { id }, cancellationToken: cancellationToken));
        return row?.ToApiKey();
    }

    public async Task<ApiKey?> FindByHashAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            "SELECT " + KeyRow.Columns + " FROM api_keys WHERE hash = @hash", new { hash = hash.ToArray() }, cancellationToken: cancellationToken));
        return row?.ToApiKey();
    }

    public async Task<KeyPage> ListAsync(KeyQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = KeyRow.ListParameters(query, time.GetUtcNow());
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM api_keys" + KeyRow.ListWhere(query), parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(KeyRow.ListPage(query), parameters, cancellationToken: cancellationToken));
        return KeyRow.ToPage([.. rows], total, query.Limit);
    }

    public async Task<UpdateKeyOutcome> UpdateAsync(string id, KeyUpdate update, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        var current = await GetAsync(connection, transaction, id, cancellationToken);
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
        transaction.Commit();
        return new UpdateKeyOutcome(UpdateKeyStatus.Updated, updated);
    }

    public async Task<ApiKey?> RevokeAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        var current = await GetAsync(connection, transaction, id, cancellationToken);
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
        await SetEndAsync(connection, transaction, id, revokedAt: now, expiresAt: current.ExpiresAt, cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyRevoked, revoked, null, cancellationToken);
        transaction.Commit();
        return revoked;
    }

    public async Task<RotateKeyOutcome> RotateAsync(string id, NewKey successor, DateTimeOffset? oldKeyEndsAt, int maxActivePerOwner, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(successor);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        var current = await GetAsync(connection, transaction, id, cancellationToken);
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
            && await CountActiveAsync(connection, transaction, current.Owner!, cancellationToken) >= maxActivePerOwner)
        {
            return new RotateKeyOutcome(RotateKeyStatus.OwnerLimitReached, null, current);
        }
        var next = successor.Key with { LineageId = current.LineageId, RotatedFrom = current.Id };
        await InsertAsync(connection, transaction, successor with { Key = next }, cancellationToken);

        // Grace 0 revokes now; a grace period ends the old key by expiry, unless it was due to expire sooner anyway.
        var predecessor = oldKeyEndsAt is null
            ? current with { RevokedAt = now, RotatedTo = next.Id }
            : current with { ExpiresAt = current.ExpiresAt is { } e && e < oldKeyEndsAt ? e : oldKeyEndsAt, RotatedTo = next.Id };
        await connection.ExecuteAsync(new CommandDefinition("UPDATE api_keys SET rotated_to = @to WHERE id = @id", new { to = next.Id, id }, transaction, cancellationToken: cancellationToken));
        await SetEndAsync(connection, transaction, id, predecessor.RevokedAt, predecessor.ExpiresAt, cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyRotated, predecessor, KeyAuditDetails.Rotated(next, oldKeyEndsAt), cancellationToken);
        await AppendAuditAsync(connection, transaction, actor, AuditActions.KeyCreated, next, KeyAuditDetails.Created(next), cancellationToken);
        transaction.Commit();
        return new RotateKeyOutcome(RotateKeyStatus.Rotated, next, predecessor);
    }

    public async Task<AuditPage> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = AuditRow.ListParameters(query);
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM audit_events" + AuditRow.ListFilter, parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(AuditRow.ListPage(query), parameters, cancellationToken: cancellationToken));
        return AuditRow.ToPage([.. rows], total, query.Limit);
    }

    private Task AppendAuditAsync(IDbConnection connection, IDbTransaction transaction, Actor actor, string action, ApiKey key, string? details, CancellationToken cancellationToken) =>
        AuditRow.AppendAsync(connection, transaction, time.GetUtcNow(), actor, action, key.Id, key.Name, details, cancellationToken);

    private async Task InsertAsync(IDbConnection connection, IDbTransaction transaction, NewKey key, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT OR IGNORE INTO key_lineages (id, created_at) VALUES (@LineageId, @CreatedAt)",
            new { key.Key.LineageId, CreatedAt = UnixMs.From(key.Key.CreatedAt) }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Insert, KeyRow.Parameters(key.Key, key.Hash.ToArray()), transaction, cancellationToken: cancellationToken));
        await AppendChangeAsync(connection, transaction, key.Key.Id, cancellationToken);
    }

    private async Task SetEndAsync(IDbConnection connection, IDbTransaction transaction, string id, DateTimeOffset? revokedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @revokedAt, expires_at = @expiresAt WHERE id = @id",
            new { id, revokedAt = UnixMs.From(revokedAt), expiresAt = UnixMs.From(expiresAt) }, transaction, cancellationToken: cancellationToken));
        await AppendChangeAsync(connection, transaction, id, cancellationToken);
    }

    private async Task AppendChangeAsync(IDbConnection connection, IDbTransaction transaction, string keyId, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO key_changes (key_id, at) VALUES (@keyId, @at)",
            new { keyId, at = UnixMs.From(time.GetUtcNow()) }, transaction, cancellationToken: cancellationToken));

    private static async Task<ApiKey?> GetAsync(IDbConnection connection, IDbTransaction transaction, string id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(SelectById, new { id }, transaction, cancellationToken: cancellationToken));
        return row?.ToApiKey();
    }

    private async Task<int> CountActiveAsync(IDbConnection connection, IDbTransaction transaction, string owner, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            KeyRow.CountActiveByOwner,
            new { owner, now = UnixMs.From(time.GetUtcNow()) }, transaction, cancellationToken: cancellationToken));
}
