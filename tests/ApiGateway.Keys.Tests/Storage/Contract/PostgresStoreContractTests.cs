using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Postgres;
using ApiGateway.TestKit;
using Dapper;
using Npgsql;

namespace ApiGateway.Keys.Tests.Storage.Contract;

[CollectionDefinition(Name)]
public sealed class PostgresStoreFixtureGroup : ICollectionFixture<PostgresServer>
{
    public const string Name = "Postgres store";
}

/// <summary>
/// The store contract on Postgres: a database per test on the collection's throwaway server. Skipped, with the
/// reason, where Postgres is not installed; under CI a missing server fails instead.
/// </summary>
[Collection(PostgresStoreFixtureGroup.Name)]
public sealed class PostgresStoreContractTests(PostgresServer server) : StoreContractTests
{
    protected override string Provider => "postgres";

    protected override Task<string> NewDatabaseAsync()
    {
        SkipIfUnavailable();
        return server.CreateDatabaseAsync(Ct);
    }

    [Fact]
    public async Task Migration2_ChosenBootstrapSecretPrefix_IsReplacedWithTheIdInRowAndAudit()
    {
        SkipIfUnavailable();
        var connectionString = await server.CreateDatabaseAsync(Ct);
        await using (var store = StoreHarness.Create(Provider, connectionString, Clock))
        {
            await store.Migrator.MigrateAsync(Ct);
        }
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        // The rows version 1 wrote for Admin:BootstrapKey "Zq9xK2pWm7Ht3Lr8...", then migration 2 run over them.
        await ExecuteAsync(connection, """
            INSERT INTO admin_credentials (id, hash, prefix, name, role, created_at, created_by) VALUES
              ('adm_boot', '\x01', 'Zq9xK2pW', 'bootstrap', 'owner', 1, NULL),
              ('adm_ops', '\x02', 'agw_admin_AbCdEf', 'ops', 'admin', 2, 'adm_boot');
            INSERT INTO audit_events (at, actor_id, actor_name, action, details) VALUES
              (1, 'system', 'system', 'admin.bootstrapped', '{"adminId":"adm_boot","adminName":"bootstrap","role":"owner","prefix":"Zq9xK2pW"}'),
              (2, 'adm_boot', 'bootstrap', 'admin.created', '{"adminId":"adm_ops","adminName":"ops","role":"admin","prefix":"agw_admin_AbCdEf"}'),
              (3, 'adm_boot', 'bootstrap', 'key.created', NULL);
            """);
        await ExecuteAsync(connection, PostgresMigrator.Scripts[1].Sql);

        Assert.Equal("adm_boot,agw_admin_AbCdEf", await ScalarAsync(connection, "SELECT string_agg(prefix, ',' ORDER BY id) FROM admin_credentials"));
        var audit = await ScalarAsync(connection, "SELECT string_agg(coalesce(details, '-'), '|' ORDER BY id) FROM audit_events");
        Assert.DoesNotContain("Zq9xK2pW", audit, StringComparison.Ordinal);
        Assert.Contains("\"prefix\": \"adm_boot\"", audit, StringComparison.Ordinal);
        Assert.Contains("agw_admin_AbCdEf", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migration4_CredentialsMadeBefore_ListBootstrapFirstThenByCreationAndNewOnesAfter()
    {
        SkipIfUnavailable();
        var connectionString = await server.CreateDatabaseAsync(Ct);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(Ct);
            foreach (var (_, _, sql) in PostgresMigrator.Scripts.Take(3))
            {
                await ExecuteAsync(connection, sql);
            }
            await ExecuteAsync(connection, """
                CREATE TABLE schema_version (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL);
                INSERT INTO schema_version VALUES (1, '0001', 0), (2, '0002', 0), (3, '0003', 0);
                INSERT INTO admin_credentials (id, hash, prefix, name, role, created_at, created_by) VALUES
                  ('adm_a', '\x01', 'adm_a', 'same ms as bootstrap, smaller id', 'admin', 5, 'adm_z'),
                  ('adm_z', '\x02', 'adm_z', 'bootstrap', 'owner', 5, NULL),
                  ('adm_m', '\x03', 'adm_m', 'later', 'owner', 9, 'adm_z');
                """);
        }
        var store = StoreHarness.Create(Provider, connectionString, Clock);
        await using var _ = store;
        await store.Migrator.MigrateAsync(Ct);
        var added = await store.Mutations.CreateAdminAsync("after migration", AdminRole.Admin, Operator, Ct);

        Assert.Equal(["adm_z", "adm_a", "adm_m", added.Credential.Id], (await store.Admins.ListAsync(Ct)).Select(c => c.Id));
    }

    [Fact]
    public async Task MigrationUsageUnits_RowsWrittenBefore_ReadAsUnitsEqualRequestsAndNoneRefused()
    {
        SkipIfUnavailable();
        var connectionString = await server.CreateDatabaseAsync(Ct);
        var before = PostgresMigrator.Scripts.TakeWhile(s => !s.Name.Contains("usage_units", StringComparison.Ordinal)).ToList();
        Assert.True(before.Count < PostgresMigrator.Scripts.Count);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(Ct);
            foreach (var (_, _, sql) in before)
            {
                await ExecuteAsync(connection, sql);
            }
            await ExecuteAsync(connection, "CREATE TABLE schema_version (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL);");
            foreach (var (version, name, _) in before)
            {
                await ExecuteAsync(connection, $"INSERT INTO schema_version VALUES ({version}, '{name}', 0);");
            }
            await ExecuteAsync(connection, "INSERT INTO usage_hourly (key_id, hour, count) VALUES ('key_old', 3600000, 7), ('key_old', 7200000, 2);");
        }
        await using (var store = StoreHarness.Create(Provider, connectionString, Clock))
        {
            await store.Migrator.MigrateAsync(Ct);
        }

        await using var check = new NpgsqlConnection(connectionString);
        await check.OpenAsync(Ct);
        Assert.Equal("7/7/0,2/2/0", await ScalarAsync(check, "SELECT string_agg(count || '/' || units || '/' || refused, ',' ORDER BY hour) FROM usage_hourly"));
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }

    private void SkipIfUnavailable() => Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");

    [Fact]
    public async Task Migrate_DatabaseMissing_CreatesItThenTheSchema()
    {
        SkipIfUnavailable();
        var connectionString = server.ConnectionStringForNewDatabase();
        await using var first = StoreHarness.Create(Provider, connectionString, Clock);
        await using var second = StoreHarness.Create(Provider, connectionString, Clock);

        var versions = await Task.WhenAll(first.Migrator.MigrateAsync(Ct), second.Migrator.MigrateAsync(Ct));

        Assert.Equal(PostgresMigrator.Scripts.Count, versions[0]);
        Assert.Equal(versions[0], versions[1]);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT version, name FROM schema_version ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var applied = new List<(int, string)>();
        while (await reader.ReadAsync(Ct))
        {
            applied.Add((reader.GetInt32(0), reader.GetString(1)));
        }
        Assert.Equal(PostgresMigrator.Scripts.Select(s => (s.Version, s.Name)), applied);
    }

    [Fact]
    public async Task AdminRevoke_OwnersRevokingEachOtherBothWaitingOnTheLock_OneOwnerStays()
    {
        SkipIfUnavailable();
        var first = await OpenAsync();
        var second = await OpenAsync();
        var alice = await first.Mutations.CreateAdminAsync("alice", AdminRole.Owner, Operator, Ct);
        var bob = await first.Mutations.CreateAdminAsync("bob", AdminRole.Owner, Operator, Ct);
        await using var blocker = new NpgsqlConnection(await ConnectionStringAsync());
        await blocker.OpenAsync(Ct);
        await using var held = await blocker.BeginTransactionAsync(Ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@c, hashtext('admin_credentials'))", blocker, held))
        {
            take.Parameters.AddWithValue("c", (int)AdvisoryLock.AdminRevocation);
            await take.ExecuteNonQueryAsync(Ct);
        }

        // Both revocations start while the lock is held and are seen waiting for it: anything either read before
        // locking (two active owners) is stale by the time it writes. Only a check made under the lock holds.
        var revokes = new[]
        {
            first.Mutations.RevokeAdminAsync(bob.Credential.Id, new Actor(alice.Credential.Id, "alice"), Ct),
            second.Mutations.RevokeAdminAsync(alice.Credential.Id, new Actor(bob.Credential.Id, "bob"), Ct),
        };
        await WaitForLockWaitersAsync(blocker, held, 2);
        await held.CommitAsync(Ct);
        var outcomes = await Task.WhenAll(revokes);

        Assert.Equal([RevokeAdminStatus.Revoked, RevokeAdminStatus.LastOwner], outcomes.Select(o => o.Status).Order());
        Assert.Single(await first.Admins.ListAsync(Ct), c => c.IsActive && c.Role == AdminRole.Owner);
    }

    [Fact]
    public async Task List_PrefixSearch_UsesThePrefixIndex()
    {
        SkipIfUnavailable();
        await OpenAsync();
        var query = new KeyQuery(null, null, null, 50, 0) { PrefixStartsWith = "agw_live_3Xk" };
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        // An empty table is scanned whatever the indexes: forbid scans to see whether the range can use the index at all
        // (it could not with the default collation, or with LIKE and a parameter in a generic plan).
        await connection.ExecuteAsync(new CommandDefinition("SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_generic_plan", transaction: transaction, cancellationToken: Ct));

        var plan = string.Join("\n", await connection.QueryAsync<string>(new CommandDefinition(
            "EXPLAIN " + KeyRow.ListPage(query), KeyRow.ListParameters(query, Clock.GetUtcNow()), transaction, cancellationToken: Ct)));

        Assert.Contains("ix_api_keys_prefix", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
    }

    protected override async Task WaitForBlockedWriterAsync()
    {
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync(Ct);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
            if ((long)(await command.ExecuteScalarAsync(Ct))! >= 1)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "Expected the second writer to wait on a lock held by the first.");
            await Task.Yield();
        }
    }

    /// <summary>Polls (to a deadline) until <paramref name="count"/> backends of this database wait on an advisory lock.</summary>
    private static async Task WaitForLockWaitersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                connection, transaction);
            var waiting = (long)(await command.ExecuteScalarAsync(Ct))!;
            if (waiting >= count)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Expected {count} revocations waiting on the revocation lock; saw {waiting}.");
            await Task.Yield();
        }
    }
}
