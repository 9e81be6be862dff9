using System.Data;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ApiGateway.Keys.Storage.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/Postgres/NNNN_*.sql</c> scripts above the highest version in <c>schema_version</c>
/// (Postgres has no <c>user_version</c>). Everything runs in one transaction behind a transaction-scoped advisory lock,
/// so processes that start together apply each script once: the others wait, then find nothing to do. DDL is
/// transactional in Postgres, so a failed script leaves the schema as it was.
/// </summary>
public sealed partial class PostgresMigrator(PostgresDatabase database, TimeProvider time, ILogger<PostgresMigrator> logger) : IStoreMigrator
{
    private const string ResourcePrefix = "ApiGateway.Keys.Migrations.Postgres.";

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = MigrationScripts.Load(ResourcePrefix);

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenCreatingDatabaseAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await PostgresDatabase.LockAsync(connection, transaction, AdvisoryLock.Migrations, "schema", cancellationToken);
        // Under the lock: two first starts cannot race on creating the table itself.
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)",
            transaction: transaction, cancellationToken: cancellationToken));
        var current = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version", transaction: transaction, cancellationToken: cancellationToken));
        foreach (var (version, name, sql) in MigrationScripts.Pending(Scripts, current))
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @at)",
                new { version, name, at = UnixMs.From(time.GetUtcNow()) }, transaction, cancellationToken: cancellationToken));
            Log.MigrationApplied(logger, version, name);
        }
        await transaction.CommitAsync(cancellationToken);
        return MigrationScripts.Latest(Scripts);
    }

    /// <summary>
    /// Opens a connection; when the named database does not exist yet, creates it first (as SQLite creates its file),
    /// which needs the CREATEDB privilege. A database another process created meanwhile is fine.
    /// </summary>
    private async Task<NpgsqlConnection> OpenCreatingDatabaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await database.OpenAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName && !string.IsNullOrEmpty(database.Database))
        {
            var maintenance = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false };
            await using (var connection = new NpgsqlConnection(maintenance.ConnectionString))
            {
                await connection.OpenAsync(cancellationToken);
                try
                {
                    // An identifier cannot be a parameter: it is quoted (doubling any quote), and it comes from our own configuration.
                    var quoted = "\"" + database.Database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                    await connection.ExecuteAsync(new CommandDefinition("CREATE DATABASE " + quoted, cancellationToken: cancellationToken));
                    Log.DatabaseCreated(logger, database.Database);
                }
                catch (PostgresException created) when (created.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
                {
                    // Another process created it first.
                }
            }
            return await database.OpenAsync(cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Applied migration {Version} ({Name}).", EventName = "MigrationApplied")]
        public static partial void MigrationApplied(ILogger logger, int version, string name);

        [LoggerMessage(2, LogLevel.Information, "Created database {Database}.", EventName = "DatabaseCreated")]
        public static partial void DatabaseCreated(ILogger logger, string database);
    }
}
