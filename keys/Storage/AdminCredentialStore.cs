using System.Data.Common;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary><see cref="IAdminCredentialStore"/> on either engine; the engines' differences are <see cref="IStoreDialect"/>.</summary>
public sealed class AdminCredentialStore(IStoreDialect dialect, TimeProvider time) : IAdminCredentialStore
{
    public async Task<AdminCredential?> FindActiveByHashAsync(KeyHash hash, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AdminRow>(new CommandDefinition(
            "SELECT " + AdminRow.Columns + " FROM admin_credentials WHERE hash = @hash AND revoked_at IS NULL",
            new { hash = hash.ToArray() }, cancellationToken: cancellationToken));
        return row?.ToCredential();
    }

    public async Task<AdminCredential> CreateAsync(AdminCredential credential, KeyHash hash, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        await InsertAsync(connection, transaction, credential, hash, cancellationToken);
        await AuditAsync(connection, transaction, actor, AuditActions.AdminCreated, credential, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return credential;
    }

    public async Task<bool> TryBootstrapAsync(AdminCredential credential, KeyHash hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        // The lock makes "none exists yet" and the insert one step, even when several processes start together.
        await dialect.LockAsync(connection, transaction, AdvisoryLock.AdminBootstrap, "bootstrap", cancellationToken);
        var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM admin_credentials", transaction: transaction, cancellationToken: cancellationToken));
        if (existing > 0)
        {
            return false;
        }
        await InsertAsync(connection, transaction, credential, hash, cancellationToken);
        await AuditAsync(connection, transaction, Actor.System, AuditActions.AdminBootstrapped, credential, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>In creation order (<c>seq</c>), so the bootstrap owner, always the first credential made, lists first.</summary>
    public async Task<IReadOnlyList<AdminCredential>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminRow>(new CommandDefinition(
            "SELECT " + AdminRow.Columns + " FROM admin_credentials ORDER BY seq", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToCredential())];
    }

    public async Task<RevokeAdminOutcome> RevokeAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        // Row locks alone would let two owners revoke each other at once (each locks only its own target and still
        // counts the other as active). Every revocation takes one lock first, so the last-owner check and the update
        // are one step; each holder then sees what the previous holder committed.
        await dialect.LockAsync(connection, transaction, AdvisoryLock.AdminRevocation, "admin_credentials", cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AdminRow>(new CommandDefinition(
            "SELECT " + AdminRow.Columns + " FROM admin_credentials WHERE id = @id" + dialect.RowLock, new { id }, transaction, cancellationToken: cancellationToken));
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
        await transaction.CommitAsync(cancellationToken);
        return new RevokeAdminOutcome(RevokeAdminStatus.Revoked, credential);
    }

    public async Task RecordFailedSignInAsync(FailedSignIn failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        await AuditRow.AppendAsync(connection, transaction, time.GetUtcNow(), Actor.Anonymous, AuditActions.AdminSignInFailed,
            keyId: null, keyName: null, AdminRow.AuditDetails(failure), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static Task<int> InsertAsync(DbConnection connection, DbTransaction transaction, AdminCredential credential, KeyHash hash, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(AdminRow.Insert, AdminRow.Parameters(credential, hash.ToArray()), transaction, cancellationToken: cancellationToken));

    private Task AuditAsync(DbConnection connection, DbTransaction transaction, Actor actor, string action, AdminCredential credential, CancellationToken cancellationToken) =>
        AuditRow.AppendAsync(connection, transaction, time.GetUtcNow(), actor, action, keyId: null, keyName: null, AdminRow.AuditDetails(credential), cancellationToken);
}
