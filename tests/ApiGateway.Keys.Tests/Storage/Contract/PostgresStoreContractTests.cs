using ApiGateway.Keys.Storage.Postgres;
using ApiGateway.TestKit;
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
}
