using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.Storage.Sqlite;

/// <summary>Opens one connection per operation on the shared SQLite file, with the pragmas every connection needs.</summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(IOptions<KeyStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new SqliteConnectionStringBuilder(options.Value.ConnectionString)
        {
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout, so this is also our busy timeout.
            DefaultTimeout = options.Value.CommandTimeoutSeconds,
            Pooling = true,
        };
        if (builder.Mode is not SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:")
        {
            SqliteFileAccess.Prepare(builder.DataSource, createFile: builder.Mode == SqliteOpenMode.ReadWriteCreate);
        }
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    public string DataSource { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // NORMAL is durable against a process crash in WAL mode (only an OS crash can lose the last commits).
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a write transaction that takes the write lock up front (<c>BEGIN IMMEDIATE</c>), so read-then-write
    /// logic (the per-owner cap, migrations) cannot interleave with another process's.
    /// </summary>
    public static SqliteTransaction BeginWrite(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Microsoft.Data.Sqlite is synchronous underneath; deferred: false issues BEGIN IMMEDIATE.
        return connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
    }
}
