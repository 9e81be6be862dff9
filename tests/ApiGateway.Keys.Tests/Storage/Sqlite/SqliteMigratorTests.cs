using ApiGateway.Keys.Storage.Sqlite;
using ApiGateway.TestKit;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

public sealed class SqliteMigratorTests
{
    private static readonly string[] Tables = ["api_keys", "key_lineages", "key_changes", "admin_credentials", "audit_events", "usage_hourly", "quota_usage", "portal_sessions", "shadow_decisions",
        "webhooks", "webhook_events", "webhook_deliveries", "webhook_attempts", "key_expiry_warnings", "quota_exhaustions", "workspace_limits"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Scripts_AreNumberedFromOneWithoutGaps()
    {
        Assert.NotEmpty(SqliteMigrator.Scripts);
        Assert.Equal(Enumerable.Range(1, SqliteMigrator.Scripts.Count), SqliteMigrator.Scripts.Select(s => s.Version));
        Assert.All(SqliteMigrator.Scripts, s => Assert.False(string.IsNullOrWhiteSpace(s.Sql)));
    }

    [Fact]
    public async Task MigrateAsync_EmptyFile_CreatesSchemaSetsVersionAndWal()
    {
        using var file = new TempDatabase("nested/dir/keys.db");

        var version = await Migrator(file).MigrateAsync(Ct);

        Assert.Equal(SqliteMigrator.Scripts.Count, version);
        await using var connection = await OpenAsync(file);
        Assert.Equal(version, await connection.ExecuteScalarAsync<int>("PRAGMA user_version;"));
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode;"));
        var tables = (await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table'")).ToHashSet(StringComparer.Ordinal);
        Assert.All(Tables, t => Assert.Contains(t, tables));
    }

    [Fact]
    public async Task MigrateAsync_ReRun_IsNoOpAndKeepsData()
    {
        using var file = new TempDatabase();
        await Migrator(file).MigrateAsync(Ct);
        await using (var connection = await OpenAsync(file))
        {
            await connection.ExecuteAsync("INSERT INTO key_lineages (id, created_at) VALUES ('lin_x', 1)");
        }
        var schemaBefore = await SchemaAsync(file);

        var version = await Migrator(file).MigrateAsync(Ct);

        Assert.Equal(SqliteMigrator.Scripts.Count, version);
        Assert.Equal(schemaBefore, await SchemaAsync(file));
        await using var check = await OpenAsync(file);
        Assert.Equal(1, await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM key_lineages"));
        Assert.Equal(version, await check.ExecuteScalarAsync<int>("PRAGMA user_version;"));
    }

    [Fact]
    public async Task MigrateAsync_TwoMigratorsRacingOnNewFile_BothSucceed()
    {
        for (var round = 0; round < 10; round++)
        {
            using var file = new TempDatabase();
            // Separate database objects, as two processes would have; started together behind a gate.
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, 3).Select(_ => Migrator(file)).Select(m => Task.Run(async () =>
            {
                await gate.Task;
                return await m.MigrateAsync(Ct);
            }, Ct)).ToArray();
            gate.SetResult();

            var versions = await Task.WhenAll(racers);

            Assert.All(versions, v => Assert.Equal(SqliteMigrator.Scripts.Count, v));
            await using var connection = await OpenAsync(file);
            Assert.Equal(SqliteMigrator.Scripts.Count, await connection.ExecuteScalarAsync<int>("PRAGMA user_version;"));
            Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode;"));
            Assert.Equal(Tables.Length, (await connection.QueryAsync<string>(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).Count());
        }
    }

    [Fact]
    public async Task MigrateAsync_DatabaseNewerThanBuild_ThrowsAndChangesNothing()
    {
        using var file = new TempDatabase();
        await Migrator(file).MigrateAsync(Ct);
        await using (var connection = await OpenAsync(file))
        {
            await connection.ExecuteAsync($"PRAGMA user_version = {SqliteMigrator.Scripts.Count + 1};");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(file).MigrateAsync(Ct));

        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_PartiallyMigratedFile_AppliesOnlyTheRest()
    {
        using var file = new TempDatabase();
        await using (var connection = await OpenAsync(file))
        {
            // A file at version 1 has the first script's schema; re-running it would fail on CREATE TABLE.
            await connection.ExecuteAsync(SqliteMigrator.Scripts[0].Sql);
            await connection.ExecuteAsync("PRAGMA user_version = 1;");
        }

        var version = await Migrator(file).MigrateAsync(Ct);

        Assert.Equal(SqliteMigrator.Scripts.Count, version);
    }

    [Fact]
    public async Task MigrateAsync_Version1WithChosenBootstrapSecretPrefix_ReplacesItWithTheIdEverywhere()
    {
        using var file = new TempDatabase();
        await using (var connection = await OpenAsync(file))
        {
            // What version 1 stored for Admin:BootstrapKey "Zq9xK2pWm7Ht3Lr8...": its first 8 characters as the prefix.
            await connection.ExecuteAsync(SqliteMigrator.Scripts[0].Sql);
            await connection.ExecuteAsync("PRAGMA user_version = 1;");
            await connection.ExecuteAsync("""
                INSERT INTO admin_credentials (id, hash, prefix, name, role, created_at, created_by) VALUES
                  ('adm_boot', x'01', 'Zq9xK2pW', 'bootstrap', 'owner', 1, NULL),
                  ('adm_ops', x'02', 'agw_admin_AbCdEf', 'ops', 'admin', 2, 'adm_boot');
                INSERT INTO audit_events (at, actor_id, actor_name, action, details) VALUES
                  (1, 'system', 'system', 'admin.bootstrapped', '{"adminId":"adm_boot","adminName":"bootstrap","role":"owner","prefix":"Zq9xK2pW"}'),
                  (2, 'adm_boot', 'bootstrap', 'admin.created', '{"adminId":"adm_ops","adminName":"ops","role":"admin","prefix":"agw_admin_AbCdEf"}'),
                  (3, 'adm_ops', 'ops', 'admin.revoked', '{"adminId":"adm_boot","adminName":"bootstrap","role":"owner","prefix":"Zq9xK2pW"}');
                """);
        }

        await Migrator(file).MigrateAsync(Ct);

        await using var check = await OpenAsync(file);
        var prefixes = (await check.QueryAsync<(string, string)>("SELECT id, prefix FROM admin_credentials ORDER BY id")).ToArray();
        Assert.Equal([("adm_boot", "adm_boot"), ("adm_ops", "agw_admin_AbCdEf")], prefixes);
        var details = (await check.QueryAsync<string>("SELECT details FROM audit_events ORDER BY id")).ToArray();
        Assert.All(details, d => Assert.DoesNotContain("Zq9xK2pW", d, StringComparison.Ordinal));
        Assert.Contains("\"prefix\":\"adm_boot\"", details[0], StringComparison.Ordinal);
        Assert.Contains("\"prefix\":\"agw_admin_AbCdEf\"", details[1], StringComparison.Ordinal);
        Assert.Contains("\"adminName\":\"bootstrap\"", details[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_UsageRowsWrittenBeforeUnits_ReadAsUnitsEqualRequestsAndNoneRefused()
    {
        using var file = new TempDatabase();
        var before = SqliteMigrator.Scripts.TakeWhile(s => !s.Name.Contains("usage_units", StringComparison.Ordinal)).ToList();
        Assert.True(before.Count < SqliteMigrator.Scripts.Count);
        await using (var connection = await OpenAsync(file))
        {
            foreach (var (_, _, sql) in before)
            {
                await connection.ExecuteAsync(sql);
            }
            await connection.ExecuteAsync($"PRAGMA user_version = {before.Count};");
            await connection.ExecuteAsync("INSERT INTO usage_hourly (key_id, hour, count) VALUES ('key_old', 3600000, 7), ('key_old', 7200000, 2);");
        }

        await Migrator(file).MigrateAsync(Ct);

        await using var check = await OpenAsync(file);
        Assert.Equal([(7L, 7L, 0L), (2L, 2L, 0L)], await check.QueryAsync<(long, long, long)>("SELECT count, units, refused FROM usage_hourly ORDER BY hour"));
    }

    private static SqliteMigrator Migrator(TempDatabase file) =>
        new(TestStore.Open(file.ConnectionString), NullLogger<SqliteMigrator>.Instance);

    private static async Task<SqliteConnection> OpenAsync(TempDatabase file)
    {
        var connection = new SqliteConnection(file.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task<string> SchemaAsync(TempDatabase file)
    {
        await using var connection = await OpenAsync(file);
        return string.Join("\n", await connection.QueryAsync<string>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"));
    }
}
