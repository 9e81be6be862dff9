using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
using ApiGateway.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Usage;

/// <summary>The real SQLite key store on a temp file, migrated, with a helper to mint keys straight into it.</summary>
public sealed class UsageTestStore : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private UsageTestStore(TempDatabase database, ServiceProvider services)
    {
        Database = database;
        _services = services;
    }

    public TempDatabase Database { get; }

    public IUsageStore Usage => _services.GetRequiredService<IUsageStore>();

    public IKeyStore Keys => _services.GetRequiredService<IKeyStore>();

    public static async Task<UsageTestStore> CreateAsync(int commandTimeoutSeconds = 5)
    {
        var database = new TempDatabase();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:KeyStore"] = database.ConnectionString,
            ["KeyStore:CommandTimeoutSeconds"] = commandTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddKeyStore(configuration)
            .BuildServiceProvider();
        await services.GetRequiredService<IStoreMigrator>().MigrateAsync(TestContext.Current.CancellationToken);
        return new UsageTestStore(database, services);
    }

    public async Task<ApiKey> MintKeyAsync(string name = "test key")
    {
        var issued = await _services.GetRequiredService<KeyMutationService>().CreateAsync(
            new KeySpec(name, "ws_1", ["contacts:read"], Owner: null, KeyMode.Live, ExpiresAt: null, Tier: null, RateLimit: null,
                Quota: null, AllowedIps: [], Workspaces: []),
            new Actor("adm_tests", "tests"),
            TestContext.Current.CancellationToken);
        return issued.Issued!.Key;
    }

    public async Task<KeyUsage> UsageOfAsync(string keyId, DateTimeOffset now)
    {
        var usage = await Usage.GetUsageAsync([keyId], now, TestContext.Current.CancellationToken);
        return usage.TryGetValue(keyId, out var found) ? found : KeyUsage.None;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Database.Dispose();
    }
}
