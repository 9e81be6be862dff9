using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Keys.Tests.Storage.Contract;

/// <summary>
/// One "process" on a store: the services <see cref="KeyStoreServiceCollectionExtensions.AddKeyStore"/> registers for a
/// provider and connection string, over a shared fake clock. Two harnesses on one database act like two processes.
/// </summary>
public sealed class StoreHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StoreHarness(ServiceProvider services, FakeTimeProvider clock)
    {
        _services = services;
        Clock = clock;
    }

    public FakeTimeProvider Clock { get; }
    public IKeyStore Keys => _services.GetRequiredService<IKeyStore>();
    public IAdminCredentialStore Admins => _services.GetRequiredService<IAdminCredentialStore>();
    public IKeyChangeFeed Feed => _services.GetRequiredService<IKeyChangeFeed>();
    public IUsageStore Usage => _services.GetRequiredService<IUsageStore>();
    public IShadowDecisionStore ShadowDecisions => _services.GetRequiredService<IShadowDecisionStore>();
    public IWebhookStore Webhooks => _services.GetRequiredService<IWebhookStore>();
    public IServiceProvider Services => _services;
    public IStoreMigrator Migrator => _services.GetRequiredService<IStoreMigrator>();
    public KeyMutationService Mutations => _services.GetRequiredService<KeyMutationService>();
    public WorkspaceLimitsService WorkspaceLimits => _services.GetRequiredService<WorkspaceLimitsService>();
    public IWorkspaceLimitsStore WorkspaceLimitsStore => _services.GetRequiredService<IWorkspaceLimitsStore>();
    public IKeyWriteStore Writes => _services.GetRequiredService<IKeyWriteStore>();
    public KeyHasher Hasher => _services.GetRequiredService<KeyHasher>();
    public ApiGateway.Keys.Portal.PortalSessionStore PortalSessions => _services.GetRequiredService<ApiGateway.Keys.Portal.PortalSessionStore>();

    public static StoreHarness Create(string provider, string connectionString, FakeTimeProvider clock, int maxActivePerOwner = 10)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KeyStore:Provider"] = provider,
            ["ConnectionStrings:KeyStore"] = connectionString,
            ["Keys:MaxActivePerOwner"] = maxActivePerOwner.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["KeyStore:CommandTimeoutSeconds"] = "30",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddKeyStore(configuration);
        return new StoreHarness(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), clock);
    }

    public static KeySpec Spec(string name = "test key", string workspaceId = "ws_1", string? owner = null, DateTimeOffset? expiresAt = null, KeyMode mode = KeyMode.Live) =>
        new(name, workspaceId, ["contacts:read"], owner, mode, expiresAt, Tier: null, RateLimit: null, Quota: null, AllowedIps: [], Workspaces: []);

    public async Task<IssuedKey> MintAsync(KeySpec spec, CancellationToken cancellationToken)
    {
        var result = await Mutations.CreateAsync(spec, Contract.StoreContractTests.Operator, cancellationToken);
        Assert.Equal(CreateKeyStatus.Created, result.Status);
        return result.Issued!;
    }

    /// <summary>
    /// A mutation service of this process with test hooks, over this process's dialect or a wrapper of it
    /// (<paramref name="wrapDialect"/>), for interleavings the test controls.
    /// </summary>
    public KeyMutationService MutationsWith(IKeyMutationHook[] hooks, Func<IStoreDialect, IStoreDialect>? wrapDialect = null)
    {
        var dialect = _services.GetRequiredService<IStoreDialect>();
        return new KeyMutationService(new KeyWriteStore(wrapDialect is null ? dialect : wrapDialect(dialect), Clock), _services.GetRequiredService<KeyMinter>(),
            hooks, [], _services.GetRequiredService<IOptions<KeysOptions>>(), Clock, NullLogger<KeyMutationService>.Instance);
    }

    /// <summary>Stores <paramref name="key"/> as given (no rules, audit or feed row): for keys no mint would make.</summary>
    public Task InsertAsIsAsync(NewKey key, CancellationToken cancellationToken) => Writes.WriteAsync(async writer =>
    {
        await writer.InsertKeyAsync(key);
        return true;
    }, cancellationToken);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
