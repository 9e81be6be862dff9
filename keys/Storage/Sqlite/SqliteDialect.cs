using System.Data;
using System.Data.Common;
using Dapper;

namespace ApiGateway.Keys.Storage.Sqlite;

/// <summary>
/// SQLite under the stores: a write transaction takes the database write lock up front (<c>BEGIN IMMEDIATE</c>), which
/// every other lock the stores ask for is part of; a batch runs its statement once per row inside that transaction.
/// </summary>
public sealed class SqliteDialect(SqliteDatabase database) : IStoreDialect
{
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await database.OpenAsync(cancellationToken);

    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(SqliteDatabase.BeginWrite((Microsoft.Data.Sqlite.SqliteConnection)connection));

    /// <summary><c>BEGIN DEFERRED</c>: in WAL mode the first read fixes the snapshot, and writers are not blocked.</summary>
    public Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: true));

    /// <summary>Empty: the write lock already keeps every other writer out until commit.</summary>
    public string RowLock => "";

    /// <summary>Empty: a claim runs in a write transaction, which no other claimer can enter until it commits.</summary>
    public string SkipLocked => "";

    public Task LockAsync(DbConnection connection, DbTransaction transaction, AdvisoryLock lockClass, string name, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task LockKeysInOrderAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Nothing to take: one writer at a time means sequence numbers are handed out in commit order.</summary>
    public Task LockChangeFeedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Dapper expands the array into one parameter per element.</summary>
    public string InArray(string parameter) => " IN @" + parameter;

    public string BatchRows(params string[] columns) =>
        "(SELECT " + string.Join(", ", columns.Select(c => $"@{c} AS {c}")) + ") AS batch";

    /// <summary>One parameter set per row: Dapper runs the statement once for each, in the caller's transaction.</summary>
    public object BatchParameters(IReadOnlyList<(string Column, Array Values)> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var rows = new DynamicParameters[columns.Count == 0 ? 0 : columns[0].Values.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new DynamicParameters();
            foreach (var (column, values) in columns)
            {
                rows[i].Add(column, values.GetValue(i));
            }
        }
        return rows;
    }
}
