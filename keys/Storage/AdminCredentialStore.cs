using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// The read side of <see cref="IAdminCredentialStore"/> on either engine, and the sign-in throttle's audit row. Creating and revoking credentials goes through
/// <see cref="IKeyWriteStore"/>, driven by <see cref="Mutations.KeyMutationService"/>.
/// </summary>
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

    /// <summary>In creation order (<c>seq</c>), so the bootstrap owner, always the first credential made, lists first.</summary>
    public async Task<IReadOnlyList<AdminCredential>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AdminRow>(new CommandDefinition(
            "SELECT " + AdminRow.Columns + " FROM admin_credentials ORDER BY seq", cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToCredential())];
    }

    /// <summary>The sign-in throttle's audit row; why this is not a mutation of the service: <see cref="IAdminCredentialStore.RecordFailedSignInAsync"/>.</summary>
    public async Task RecordFailedSignInAsync(FailedSignIn failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await using var transaction = await dialect.BeginWriteAsync(connection, cancellationToken);
        await AuditRow.AppendAsync(connection, transaction, time.GetUtcNow(), Actor.Anonymous, AuditActions.AdminSignInFailed,
            keyId: null, keyName: null, AdminRow.AuditDetails(failure), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
