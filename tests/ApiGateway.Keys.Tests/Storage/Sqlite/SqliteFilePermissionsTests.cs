using ApiGateway.Keys.Storage.Sqlite;
using ApiGateway.TestKit;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

/// <summary>
/// The key database holds key hashes and the audit log: only the user the processes run as may read it. Real files,
/// stat-ed after SQLite created them (docs/security.md "Files on disk").
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SqliteFilePermissionsTests
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_NewDataDirectory_DirectoriesAre0700AndDatabaseWalAndShmAre0600()
    {
        using var file = new TempDatabase("data/private/keys.db");
        var database = TestStore.Open(file.ConnectionString);

        await new SqliteMigrator(database, NullLogger<SqliteMigrator>.Instance).MigrateAsync(Ct);
        await using var connection = await database.OpenAsync(Ct);
        // A write while the connection is open: SQLite has created the -wal and -shm files by now.
        await connection.ExecuteAsync("INSERT INTO key_lineages (id, created_at) VALUES ('lin_x', 1)");

        var path = file.Path;
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(OwnerOnlyDirectory, File.GetUnixFileMode(Path.GetDirectoryName(Path.GetDirectoryName(path))!));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path + "-wal"));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(path + "-shm"));
    }

    [Fact]
    public async Task Open_ExistingWorldReadableDatabase_IsTightenedAndItsNewJournalFilesFollow()
    {
        using var file = new TempDatabase("keys.db");
        // A database an earlier version left readable by everyone, without its -wal/-shm (a clean shutdown removes them).
        await using (var first = await TestStore.Open(file.ConnectionString).OpenAsync(Ct))
        {
            await first.ExecuteAsync("CREATE TABLE t (x INTEGER)");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(file.Path + "-wal");
        File.Delete(file.Path + "-shm");
        File.SetUnixFileMode(file.Path, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var database = TestStore.Open(file.ConnectionString);
        await new SqliteMigrator(database, NullLogger<SqliteMigrator>.Instance).MigrateAsync(Ct);
        await using var connection = await database.OpenAsync(Ct);
        await connection.ExecuteAsync("INSERT INTO key_lineages (id, created_at) VALUES ('lin_x', 1)");

        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file.Path));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file.Path + "-wal"));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(file.Path + "-shm"));
    }
}
