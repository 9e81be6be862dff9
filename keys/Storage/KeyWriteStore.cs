using System.Data.Common;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary><see cref="IKeyWriteStore"/> on either engine: each step's SQL once, the engine's locks from <see cref="IStoreDialect"/>.</summary>
public sealed class KeyWriteStore(IStoreDialect dialect, TimeProvider time) : IKeyWriteStore
{
    public async Task<T> WriteAsync<T>(Func<IKeyStoreWriter, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        var result = await work(new Writer(dialect, time, connection, transaction, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private sealed class Writer(IStoreDialect dialect, TimeProvider time, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        : IKeyStoreWriter
    {
        public DbConnection Connection => connection;

        public DbTransaction Transaction => transaction;

        public async Task<ApiKey?> LockKeyAsync(string id)
        {
            var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(Command(
                "SELECT " + KeyRow.Columns + " FROM api_keys WHERE id = @id" + dialect.RowLock, new { id }));
            return row?.ToApiKey();
        }

        public async Task<ApiKey?> LockKeyByHashAsync(KeyHash hash)
        {
            var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(Command(
                "SELECT " + KeyRow.Columns + " FROM api_keys WHERE hash = @hash" + dialect.RowLock, new { hash = hash.ToArray() }));
            return row?.ToApiKey();
        }

        public async Task<IReadOnlySet<KeyHash>> FindStoredHashesAsync(IReadOnlyList<KeyHash> hashes)
        {
            ArgumentNullException.ThrowIfNull(hashes);
            await dialect.LockAsync(connection, transaction, AdvisoryLock.KeyImport, "import", cancellationToken);
            var stored = await connection.QueryAsync<byte[]>(Command(
                "SELECT hash FROM api_keys WHERE hash" + dialect.InArray("hashes"), new { hashes = hashes.Select(h => h.ToArray()).ToArray() }));
            return stored.Select(h => new KeyHash(h)).ToHashSet();
        }

        public async Task<long> CountActiveKeysAsync(string owner, DateTimeOffset now)
        {
            await dialect.LockAsync(connection, transaction, AdvisoryLock.Owner, owner, cancellationToken);
            return await connection.ExecuteScalarAsync<long>(Command(KeyRow.CountActiveByOwner, new { owner, now = UnixMs.From(now) }));
        }

        public async Task InsertKeyAsync(NewKey key)
        {
            ArgumentNullException.ThrowIfNull(key);
            await connection.ExecuteAsync(Command(
                "INSERT INTO key_lineages (id, created_at) VALUES (@LineageId, @CreatedAt) ON CONFLICT (id) DO NOTHING",
                new { key.Key.LineageId, CreatedAt = UnixMs.From(key.Key.CreatedAt) }));
            await connection.ExecuteAsync(Command(KeyRow.Insert, KeyRow.Parameters(key.Key, key.Hash.ToArray())));
        }

        public Task UpdateKeyAsync(ApiKey key) => connection.ExecuteAsync(Command(KeyRow.UpdateMutable, KeyRow.Parameters(key, hash: null)));

        public Task EndKeyAsync(ApiKey key)
        {
            ArgumentNullException.ThrowIfNull(key);
            return connection.ExecuteAsync(Command(
                "UPDATE api_keys SET revoked_at = @revokedAt, expires_at = @expiresAt, rotated_to = @rotatedTo WHERE id = @id",
                new { id = key.Id, revokedAt = UnixMs.From(key.RevokedAt), expiresAt = UnixMs.From(key.ExpiresAt), rotatedTo = key.RotatedTo }));
        }

        public Task RecordLeakAsync(ApiKey key)
        {
            ArgumentNullException.ThrowIfNull(key);
            return connection.ExecuteAsync(Command(
                "UPDATE api_keys SET revoked_at = @revokedAt, leaked_at = @leakedAt, leak_source = @leakSource WHERE id = @id",
                new { id = key.Id, revokedAt = UnixMs.From(key.RevokedAt), leakedAt = UnixMs.From(key.LeakedAt), leakSource = key.LeakSource }));
        }

        public async Task AppendChangeAsync(string keyId)
        {
            await dialect.LockChangeFeedAsync(connection, transaction, cancellationToken);
            await connection.ExecuteAsync(Command("INSERT INTO key_changes (key_id, at) VALUES (@keyId, @at)", new { keyId, at = UnixMs.From(time.GetUtcNow()) }));
        }

        public Task AppendAuditAsync(string action, Actor actor, string? keyId, string? keyName, string? details) =>
            AuditRow.AppendAsync(connection, transaction, time.GetUtcNow(), actor, action, keyId, keyName, details, cancellationToken);

        public async Task<bool> AnyAdminAsync()
        {
            await dialect.LockAsync(connection, transaction, AdvisoryLock.AdminBootstrap, "bootstrap", cancellationToken);
            return await connection.ExecuteScalarAsync<long>(Command("SELECT COUNT(*) FROM admin_credentials", null)) > 0;
        }

        public async Task<AdminCredential?> LockAdminAsync(string id)
        {
            // Row locks alone would let two owners revoke each other at once (each locks only its own target and still
            // counts the other as active). Every revocation takes this one lock first, so the last-owner check and the
            // update are one step; each holder then sees what the previous holder committed.
            await dialect.LockAsync(connection, transaction, AdvisoryLock.AdminRevocation, "admin_credentials", cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<AdminRow>(Command(
                "SELECT " + AdminRow.Columns + " FROM admin_credentials WHERE id = @id" + dialect.RowLock, new { id }));
            return row?.ToCredential();
        }

        public Task<long> CountOtherActiveOwnersAsync(string id) =>
            connection.ExecuteScalarAsync<long>(Command(
                "SELECT COUNT(*) FROM admin_credentials WHERE role = 'owner' AND revoked_at IS NULL AND id <> @id", new { id }));

        public Task InsertAdminAsync(AdminCredential credential, KeyHash hash) =>
            connection.ExecuteAsync(Command(AdminRow.Insert, AdminRow.Parameters(credential, hash.ToArray())));

        public Task RevokeAdminAsync(string id, DateTimeOffset at) =>
            connection.ExecuteAsync(Command("UPDATE admin_credentials SET revoked_at = @at WHERE id = @id", new { id, at = UnixMs.From(at) }));

        public async Task<WorkspaceLimits?> LockWorkspaceLimitsAsync(string workspaceId)
        {
            // A lock on the name, not the row: a workspace without limits has no row to lock yet.
            await dialect.LockAsync(connection, transaction, AdvisoryLock.WorkspaceLimits, workspaceId, cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<WorkspaceLimitsRow>(Command(WorkspaceLimitsRow.SelectOne, new { workspaceId }));
            return row?.ToLimits();
        }

        public Task WriteWorkspaceLimitsAsync(WorkspaceLimits limits)
        {
            ArgumentNullException.ThrowIfNull(limits);
            return connection.ExecuteAsync(Command(WorkspaceLimitsRow.Upsert, WorkspaceLimitsRow.Parameters(limits)));
        }

        public Task DeleteWorkspaceLimitsAsync(string workspaceId) =>
            connection.ExecuteAsync(Command("DELETE FROM workspace_limits WHERE workspace_id = @workspaceId", new { workspaceId }));

        private CommandDefinition Command(string sql, object? parameters) => new(sql, parameters, transaction, cancellationToken: cancellationToken);
    }
}
