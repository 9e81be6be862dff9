using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Postgres;
using ApiGateway.Keys.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.Tests.Storage.Contract;

/// <summary><c>KeyStore:Provider</c> picks the implementations; a bad provider or connection string fails at start with the reason.</summary>
public sealed class ProviderSelectionTests
{
    [Theory]
    [InlineData(null, "Data Source=keys.db", typeof(SqliteDialect), typeof(SqliteMigrator))]
    [InlineData("sqlite", "Data Source=keys.db", typeof(SqliteDialect), typeof(SqliteMigrator))]
    [InlineData("postgres", "Host=db.internal;Database=apigw;Username=apigw", typeof(PostgresDialect), typeof(PostgresMigrator))]
    public void AddKeyStore_Provider_RegistersThatProvidersDialectUnderEveryStore(string? provider, string connectionString, Type dialect, Type migrator)
    {
        using var services = Build(provider, connectionString);

        Assert.IsType(dialect, services.GetRequiredService<IStoreDialect>());
        Assert.IsType(migrator, services.GetRequiredService<IStoreMigrator>());
        Assert.IsType<KeyStore>(services.GetRequiredService<IKeyStore>());
        Assert.IsType<KeyChangeFeed>(services.GetRequiredService<IKeyChangeFeed>());
        Assert.IsType<UsageStore>(services.GetRequiredService<IUsageStore>());
        Assert.IsType<AdminCredentialStore>(services.GetRequiredService<IAdminCredentialStore>());
    }

    [Fact]
    public void Options_PostgresWithoutAnNpgsqlConnectionString_FailsNamingTheSetting()
    {
        using var services = Build("postgres", connectionString: null);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KeyStoreOptions>>().Value);

        Assert.Contains("ConnectionStrings:KeyStore must be an Npgsql connection string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_UnknownProvider_Fails()
    {
        using var services = Build("mysql", "Server=x");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KeyStoreOptions>>().Value);

        Assert.Contains("KeyStore:Provider must be 'sqlite' or 'postgres'", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(string? provider, string? connectionString)
    {
        // Unset settings are left out, as they would be from appsettings and the environment.
        var settings = new Dictionary<string, string?> { ["KeyStore:Provider"] = provider, ["ConnectionStrings:KeyStore"] = connectionString };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(s => s.Value is not null)).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddKeyStore(configuration);
        return services.BuildServiceProvider();
    }
}
