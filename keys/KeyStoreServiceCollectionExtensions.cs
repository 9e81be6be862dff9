using ApiGateway.Keys.Format;
using ApiGateway.Keys.Hosting;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Postgres;
using ApiGateway.Keys.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;

namespace ApiGateway.Keys;

public static class KeyStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the key format, hasher, the mutation service (<see cref="KeyMutationService"/>) and the store chosen by <c>KeyStore:Provider</c>, and migrates the
    /// store when the host starts (before the server listens).
    /// </summary>
    public static IServiceCollection AddKeyStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);

        services.AddValidatedOptions<KeysOptions, KeysOptionsValidator>(KeysOptions.SectionName);
        services.AddValidatedOptions<KeyStoreOptions, KeyStoreOptionsValidator>(KeyStoreOptions.SectionName)
            .Configure(o => o.ConnectionString = configuration.GetConnectionString(KeyStoreOptions.ConnectionStringName) ?? KeyStoreOptions.DefaultConnectionString);

        services.TryAddSingleton(sp => new KeyFormat(sp.GetRequiredService<IOptions<KeysOptions>>().Value.Prefix));
        services.TryAddSingleton(sp => new KeyHasher(sp.GetRequiredService<IOptions<KeysOptions>>().Value.Pepper));
        services.TryAddSingleton(sp => new KeyCredentials(sp.GetRequiredService<KeyFormat>(), sp.GetRequiredService<KeyHasher>(),
            ImportedKeyPattern.From(sp.GetRequiredService<IOptions<KeysOptions>>().Value.ImportedKeyPattern)));
        services.TryAddSingleton<KeyMinter>();
        services.TryAddSingleton<KeyMutationService>();
        services.TryAddSingleton<WorkspaceLimitsService>();

        var provider = configuration[$"{KeyStoreOptions.SectionName}:Provider"] ?? "sqlite";
        if (string.Equals(provider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            services.TryAddSingleton<SqliteDatabase>();
            services.TryAddSingleton<IStoreDialect, SqliteDialect>();
            services.TryAddSingleton<IStoreMigrator, SqliteMigrator>();
        }
        else if (string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            // One data source (connection pool) per process; each store call opens a connection from it.
            services.TryAddSingleton<PostgresDatabase>();
            services.TryAddSingleton<IStoreDialect, PostgresDialect>();
            services.TryAddSingleton<IStoreMigrator, PostgresMigrator>();
        }
        // Options validation (at start) rejects any other provider name.

        // One implementation of each store over the provider's dialect.
        services.TryAddSingleton<IKeyStore, KeyStore>();
        services.TryAddSingleton<IKeyWriteStore, KeyWriteStore>();
        services.TryAddSingleton<IAdminCredentialStore, AdminCredentialStore>();
        services.TryAddSingleton<IKeyChangeFeed, KeyChangeFeed>();
        services.TryAddSingleton<IUsageStore, UsageStore>();
        services.TryAddSingleton<Portal.PortalSessionStore>();
        services.TryAddSingleton<IShadowDecisionStore, ShadowDecisionStore>();
        services.TryAddSingleton<IWebhookStore, WebhookStore>();
        services.TryAddSingleton<IQuotaExhaustionStore, QuotaExhaustionStore>();
        services.TryAddSingleton<IWorkspaceLimitsStore, WorkspaceLimitsStore>();

        services.AddHostedService<StoreMigrationService>();
        return services;
    }
}

/// <summary>Runs migrations as the host starts; a failure stops the host with the reason.</summary>
internal sealed class StoreMigrationService(IStoreMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
