using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Dapper;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// The read side of <see cref="IKeyStore"/> on either engine (what the engines do differently is <see cref="IStoreDialect"/>).
/// Every write goes through <see cref="IKeyWriteStore"/>, driven by <see cref="Mutations.KeyMutationService"/>.
/// </summary>
public sealed class KeyStore(IStoreDialect dialect, TimeProvider time) : IKeyStore
{
    private const string SelectById = "SELECT " + KeyRow.Columns + " FROM api_keys WHERE id = @id";

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
}
