using System.Data;
using System.Data.Common;
using Dapper;

namespace ApiGateway.Keys.Storage.Postgres;

/// <summary>
/// Postgres under the stores: read committed (each statement sees what earlier lock holders committed), with only the
/// locks a step names, and a batch sent as one statement over <c>unnest</c> of one array per column.
/// </summary>
public sealed class PostgresDialect(PostgresDatabase database) : IStoreDialect
{
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await database.OpenAsync(cancellationToken);

    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
    }

    public async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
    }

    public string RowLock => " FOR UPDATE";

    public string SkipLocked => " FOR UPDATE SKIP LOCKED";

    public Task LockAsync(DbConnection connection, DbTransaction transaction, AdvisoryLock lockClass, string name, CancellationToken cancellationToken) =>
        PostgresDatabase.LockAsync(connection, transaction, lockClass, name, cancellationToken);

    /// <summary><c>FOR NO KEY UPDATE</c>: the key-share locks of foreign keys (a rotation's successor row) are not blocked.</summary>
    public Task LockKeysInOrderAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM api_keys WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE", new { ids = ids.ToArray() }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// An exclusive table lock held until commit (readers are not blocked). An identity value is taken at insert, not at
    /// commit: without the lock, seq 6 could commit before seq 5 and a gateway that already read past 6 would never see 5.
    /// </summary>
    public Task LockChangeFeedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("LOCK TABLE key_changes IN EXCLUSIVE MODE", transaction: transaction, cancellationToken: cancellationToken));

    /// <summary>One array parameter, whatever its length: one statement text, one cached plan.</summary>
    public string InArray(string parameter) => " = ANY(@" + parameter + ")";

    public string BatchRows(params string[] columns) =>
        "unnest(" + string.Join(", ", columns.Select(c => "@" + c)) + ") AS batch (" + string.Join(", ", columns) + ")";

    public object BatchParameters(IReadOnlyList<(string Column, Array Values)> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var parameters = new DynamicParameters();
        foreach (var (column, values) in columns)
        {
            parameters.Add(column, values);
        }
        return parameters;
    }
}
