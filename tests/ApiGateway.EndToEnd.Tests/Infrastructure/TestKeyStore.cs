using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>A process-under-test's database opened through the keys library: migrated, so either side may start first.</summary>
public sealed class TestKeyStore : IAsyncDisposable
{
    public static readonly Actor TestActor = new("adm_e2e", "end-to-end tests");

    private readonly ServiceProvider _services;

    private TestKeyStore(ServiceProvider services) => _services = services;

    public IKeyStore Store => _services.GetRequiredService<IKeyStore>();

    /// <summary>Every change goes through the service, as in the admin API.</summary>
    public KeyMutationService Mutations => _services.GetRequiredService<KeyMutationService>();

    public IUsageStore Usage => _services.GetRequiredService<IUsageStore>();

    /// <summary>Workspace limits, set as the admin API sets them (audit, change-feed row).</summary>
    public WorkspaceLimitsService WorkspaceLimits => _services.GetRequiredService<WorkspaceLimitsService>();

    /// <summary>Gives <paramref name="workspaceId"/> a rate limit of its own (requests per period), shared by all its keys.</summary>
    public Task<WorkspaceLimits> LimitWorkspaceAsync(string workspaceId, int limit, int periodSeconds, CancellationToken cancellationToken) =>
        WorkspaceLimits.SetAsync(workspaceId, new WorkspaceLimitsSpec(null, new RateLimitOverride(limit, periodSeconds), null), TestActor, cancellationToken);

    public static async Task<TestKeyStore> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:KeyStore"] = connectionString })
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddKeyStore(configuration)
            .BuildServiceProvider();
        await services.GetRequiredService<IStoreMigrator>().MigrateAsync(cancellationToken);
        return new TestKeyStore(services);
    }

    /// <summary>Mints a key straight into the store; the plaintext exists only in the returned object.</summary>
    public async Task<IssuedKey> MintAsync(IReadOnlyList<string> scopes, string name = "e2e key", KeyMode mode = KeyMode.Live,
        string workspaceId = "ws_e2e", string? tier = null, CancellationToken cancellationToken = default)
    {
        var spec = new KeySpec(name, workspaceId, scopes, Owner: null, mode, ExpiresAt: null, Tier: tier, RateLimit: null, Quota: null,
            AllowedIps: [], Workspaces: []);
        return await MintAsync(spec, cancellationToken);
    }

    /// <summary>Mints a key from a full <paramref name="spec"/> (owner, allow-list, limits...).</summary>
    public async Task<IssuedKey> MintAsync(KeySpec spec, CancellationToken cancellationToken)
    {
        var result = await _services.GetRequiredService<KeyMutationService>().CreateAsync(spec, TestActor, cancellationToken);
        return result.Issued ?? throw new InvalidOperationException($"Minting failed: {result.Status}");
    }

    public async Task<KeyUsage> UsageOfAsync(string keyId, CancellationToken cancellationToken)
    {
        var usage = await Usage.GetUsageAsync([keyId], DateTimeOffset.UtcNow, cancellationToken);
        return usage.TryGetValue(keyId, out var found) ? found : KeyUsage.None;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
