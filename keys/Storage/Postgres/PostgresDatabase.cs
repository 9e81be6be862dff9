using System.Data;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ApiGateway.Keys.Storage.Postgres;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> (its connection pool) of the process; every store operation opens a
/// connection from it and returns it at once.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(IOptions<KeyStoreOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString)
        {
            // Also bounds how long a statement waits for a row or advisory lock.
            CommandTimeout = options.Value.CommandTimeoutSeconds,
        };
        ConnectionString = connection.ConnectionString;
        Database = connection.Database;
        _dataSource = new NpgsqlDataSourceBuilder(ConnectionString).UseLoggerFactory(loggerFactory).Build();
    }

    internal string ConnectionString { get; }

    /// <summary>The database named by the connection string (null: the server's default for the user).</summary>
    public string? Database { get; }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Takes a transaction-scoped advisory lock (released at commit or rollback) on (<paramref name="lockClass"/>, hash of
    /// <paramref name="name"/>): the Postgres stand-in for SQLite's whole-database write lock, scoped to what needs it.
    /// </summary>
    public static Task LockAsync(IDbConnection connection, IDbTransaction transaction, AdvisoryLock lockClass, string name, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@lockClass, hashtext(@name))",
            new { lockClass = (int)lockClass, name }, transaction, cancellationToken: cancellationToken));

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
