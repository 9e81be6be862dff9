using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
using ApiGateway.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.Authentication;

/// <summary>
/// <see cref="KeyCache"/> and <see cref="KeyChangePoller"/> wired by hand over a real SQLite store and feed, both gated
/// (<see cref="GatedKeyStore"/>, <see cref="GatedKeyChangeFeed"/>), on a fake clock: tests drive lookups and polls one
/// step at a time and decide how they interleave.
/// </summary>
internal sealed class KeyCacheHarness : IAsyncDisposable
{
    public static readonly Actor TestActor = new("adm_tests", "tests");

    private readonly TempDatabase _database = new();
    private readonly ServiceProvider _services;

    private KeyCacheHarness(AuthOptions options)
    {
        Options = options;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:KeyStore"] = _database.ConnectionString })
            .Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Clock);
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging();
        collection.AddKeyStore(configuration);
        _services = collection.BuildServiceProvider();
        Store = new GatedKeyStore(_services.GetRequiredService<IKeyStore>());
        Feed = new GatedKeyChangeFeed(_services.GetRequiredService<IKeyChangeFeed>());
        var auth = Microsoft.Extensions.Options.Options.Create(options);
        Health = new StoreHealth(Clock, auth);
        Budget = new FailedLookupBudget(Clock, auth);
        Cache = new KeyCache(Store, Health, Budget, Clock, auth, NullLogger<KeyCache>.Instance);
        Workspaces = new WorkspaceLimitsCache(_services.GetRequiredService<IWorkspaceLimitsStore>(), Health, Clock, NullLogger<WorkspaceLimitsCache>.Instance);
        Poller = new KeyChangePoller(Feed, Cache, Workspaces, Health, Clock, auth, new KeyChangeSignal(), NullLogger<KeyChangePoller>.Instance);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public AuthOptions Options { get; }

    public GatedKeyStore Store { get; }

    /// <summary>Every key change, as the admin API makes it (rules, audit, change feed).</summary>
    public KeyMutationService Mutations => _services.GetRequiredService<KeyMutationService>();

    public GatedKeyChangeFeed Feed { get; }

    public StoreHealth Health { get; }

    public FailedLookupBudget Budget { get; }

    public KeyCache Cache { get; }

    public KeyChangePoller Poller { get; }

    /// <summary>Workspace limits, evicted by the same poller.</summary>
    public WorkspaceLimitsCache Workspaces { get; }

    /// <summary>Every workspace-limits change, as the admin API makes it.</summary>
    public WorkspaceLimitsService WorkspaceLimits => _services.GetRequiredService<WorkspaceLimitsService>();

    public KeyHasher Hasher => _services.GetRequiredService<KeyHasher>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A migrated store and a first poll done (the feed is followed, so lookups are cached).</summary>
    public static async Task<KeyCacheHarness> StartAsync(Action<AuthOptions>? configure = null)
    {
        var options = new AuthOptions();
        configure?.Invoke(options);
        var harness = new KeyCacheHarness(options);
        await harness._services.GetRequiredService<IStoreMigrator>().MigrateAsync(Ct);
        await harness.Poller.PollOnceAsync(Ct);
        return harness;
    }

    public async Task<(ApiKey Key, KeyHash Hash)> MintAsync()
    {
        var spec = new KeySpec("cache test", "ws_main", ["contacts:read"], null, KeyMode.Live, null, null, null, null, [], []);
        var result = await _services.GetRequiredService<KeyMutationService>().CreateAsync(spec, TestActor, Ct);
        var issued = result.Issued ?? throw new InvalidOperationException($"Minting failed: {result.Status}");
        return (issued.Key, Hasher.Hash(issued.Plaintext));
    }

    /// <summary>
    /// Stores a key whose secret the caller chose, as an import from another system does: its hash may have been looked
    /// up (and found unknown) before it existed.
    /// </summary>
    public async Task<ApiKey> StoreKnownSecretAsync(string secret)
    {
        var id = Ids.New("key");
        var key = new ApiKey
        {
            Id = id, Name = "imported", Prefix = secret[..16], Mode = KeyMode.Live, WorkspaceId = "ws_main", Scopes = ["contacts:read"],
            LineageId = Ids.New("lin"), CreatedAt = Clock.GetUtcNow(), CreatedBy = TestActor.Id,
        };
        // Straight through the store's write steps: no mint makes a key from a chosen secret.
        await _services.GetRequiredService<IKeyWriteStore>().WriteAsync(async writer =>
        {
            await writer.InsertKeyAsync(new NewKey(key, Hasher.Hash(secret)));
            await writer.AppendChangeAsync(key.Id);
            return true;
        }, Ct);
        return key;
    }

    public Task<KeyLookup> LookupAsync(KeyHash hash) => Cache.LookupAsync(hash, Ct).AsTask();

    public Task PollAsync() => Poller.PollOnceAsync(Ct);

    /// <summary>Appends <paramref name="count"/> change rows for a key nobody caches (other admin activity).</summary>
    public Task AppendUnrelatedChangesAsync(int count) => ExecuteAsync(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count) " +
        "INSERT INTO key_changes (key_id, at) SELECT 'key_unrelated', 0 FROM n", ("@count", count));

    /// <summary>Revokes a key without a change-feed row: a change the feed cannot show (a manual fix, a bug, a lost row).</summary>
    public Task RevokeBehindTheFeedAsync(string keyId) => ExecuteAsync(
        "UPDATE api_keys SET revoked_at = @at WHERE id = @id", ("@at", Clock.GetUtcNow().ToUnixTimeMilliseconds()), ("@id", keyId));

    /// <summary>A consistent copy of the database, as a backup tool takes it.</summary>
    public async Task<string> BackUpAsync()
    {
        var path = Path.Combine(_database.Directory.FullName, $"backup-{Guid.NewGuid():N}.db");
        await ExecuteAsync("VACUUM INTO @path", ("@path", path));
        return path;
    }

    /// <summary>Puts a backup back in place of the live database (the operator's restore).</summary>
    public void Restore(string backup)
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_database.Path + "-wal");
        File.Delete(_database.Path + "-shm");
        File.Copy(backup, _database.Path, overwrite: true);
        SqliteConnection.ClearAllPools();
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _database.Dispose();
    }
}
