using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Keys.Storage.Sqlite;

/// <summary>
/// Applies the embedded <c>Migrations/Sqlite/NNNN_*.sql</c> scripts above <c>PRAGMA user_version</c>.
/// Both processes run it at start: the version is read inside a <c>BEGIN IMMEDIATE</c> transaction, so when
/// they start together the second waits for the first and then finds nothing to do.
/// </summary>
public sealed partial class SqliteMigrator(SqliteDatabase database, ILogger<SqliteMigrator> logger) : IStoreMigrator
{
    private const string ResourcePrefix = "ApiGateway.Keys.Migrations.Sqlite.";

    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = MigrationScripts.Load(ResourcePrefix);

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // WAL is a property of the file: set once, it sticks. Readers then never block the writer or each other.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));

        using var transaction = SqliteDatabase.BeginWrite(connection);
        var current = await connection.ExecuteScalarAsync<int>(new CommandDefinition("PRAGMA user_version;", transaction: transaction, cancellationToken: cancellationToken));
        foreach (var (version, name, sql) in MigrationScripts.Pending(Scripts, current))
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
            // PRAGMA takes no parameters; the version is an integer we parsed from a resource name.
            await connection.ExecuteAsync(new CommandDefinition(
                string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {version};"), transaction: transaction, cancellationToken: cancellationToken));
            Log.MigrationApplied(logger, version, name);
        }
        transaction.Commit();
        return MigrationScripts.Latest(Scripts);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Applied migration {Version} ({Name}).", EventName = "MigrationApplied")]
        public static partial void MigrationApplied(ILogger logger, int version, string name);
    }
}
