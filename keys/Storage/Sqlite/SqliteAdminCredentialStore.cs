using System.Data;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage.Sqlite;

public sealed class SqliteAdminCredentialStore(SqliteDatabase database, TimeProvider time) : IAdminCredentialStore
{
    private const string Columns = AdminRow.Columns;

    public async Task<AdminCredential?> FindActiveByHashAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AdminRow>(new CommandDefinition(
            "SELECT " + Columns + " FROM admin_credentials WHERE hash = @hash AND revoked_at IS NULL",
            new { hash = hash.ToArray() }, cancellationToken: cancellationToken));
        return row?.ToCredential();
    }

    public async Task<AdminCredential> CreateAsync(AdminCredential credential, KeyHash hash, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        using var transaction = SqliteDatabase.BeginWrite(connection);
        await InsertAsync(connection, transaction, credential, hash, cancellationToken);
        await AuditAsync(connection, transaction, actor, AuditActions.AdminCreated, credential, cancellationToken);
        transaction.Commit();
        return credential;
    }

    public async Task<bool> TryBootstrapAsync(AdminCredential credential, KeyHash hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        await using var connection = await database.OpenAsync(cancellationToken);
        // The write lock makes "none exists yet" and the insert one step, even when both processes start together.
        using var transaction = SqliteDatabase.BeginWrite(connection);
        var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM admin_credentials", transaction: transaction, cancellationToken: cancellationToken));
        if (existing > 0)
        {
            return false;
        }
        await InsertAsync(connection, transaction, credential, hash, cancellationToken);
        await AuditAsync(connection, transaction, Actor.System, AuditActions.AdminBootstrapped, credential, cancellationToken);
        transaction.Commit();
        return true;
    }

    public async Task<IReadOnlyList<AdminCredential>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // rowid breaks ties within a millisecond in insertion order (ids are random), so the bootstrap owner stays first.
        var rows = await connection.QueryAsync<AdminRow>(new CommandDefinition(
            "SELECT " + Columns + " FROM admin_credentials ORDER BY created_at, rowid", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToCredential())];
    }

    public async Task<RevokeAdminOutcome> RevokeAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: the last-owner check below reads under the database write lock, so a concurrent revocation of
        // the other owner (in this or another process) either committed before it or waits until this one commits.
        using var transaction = SqliteDatabase.BeginWrite(connection);
        var row = await connection.QuerySingleOrDefaultAsync<AdminRow>(new CommandDefinition(
            "SELECT " + Columns + " FROM admin_credentials WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return new RevokeAdminOutcome(RevokeAdminStatus.NotFound, null);
        }
        var credential = row.ToCredential();
        if (credential.RevokedAt is not null)
        {
            return new RevokeAdminOutcome(RevokeAdminStatus.Revoked, credential);
        }
        if (await AdminRow.IsLastActiveOwnerAsync(connection, transaction, credential, cancellationToken))
        {
            return new RevokeAdminOutcome(RevokeAdminStatus.LastOwner, credential);
        }
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE admin_credentials SET revoked_at = @now WHERE id = @id", new { id, now = UnixMs.From(now) }, transaction, cancellationToken: cancellationToken));
        credential = credential with { RevokedAt = now };
        await AuditAsync(connection, transaction, actor, AuditActions.AdminRevoked, credential, cancellationToken);
        transaction.Commit();
        return new RevokeAdminOutcome(RevokeAdminStatus.Revoked, credential);
    }

    private static Task<int> InsertAsync(IDbConnection connection, IDbTransaction transaction, AdminCredential credential, KeyHash hash, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(AdminRow.Insert, AdminRow.Parameters(credential, hash.ToArray()), transaction, cancellationToken: cancellationToken));

    private Task AuditAsync(IDbConnection connection, IDbTransaction transaction, Actor actor, string action, AdminCredential credential, CancellationToken cancellationToken) =>
        AuditRow.AppendAsync(connection, transaction, time.GetUtcNow(), actor, action, keyId: null, keyName: null, AdminRow.AuditDetails(credential), cancellationToken);
}
