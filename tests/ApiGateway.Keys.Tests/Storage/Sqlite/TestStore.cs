using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

/// <summary>A migrated SQLite file in a temp folder with every store over it, a fake clock and the mutation service.</summary>
internal sealed class TestStore : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly Actor Admin = new("adm_test", "tester");

    private TestStore(TempDatabase file, int maxActivePerOwner, string? pepper)
    {
        File = file;
        Database = Open(file.ConnectionString);
        var dialect = new SqliteDialect(Database);
        Keys = new KeyStore(dialect, Clock);
        Admins = new AdminCredentialStore(dialect, Clock);
        Usage = new UsageStore(dialect);
        Changes = new KeyChangeFeed(dialect);
        Format = new KeyFormat("agw");
        Hasher = new KeyHasher(pepper);
        Options = new KeysOptions { MaxActivePerOwner = maxActivePerOwner, Pepper = pepper };
        Writes = new KeyWriteStore(dialect, Clock);
        Mutations = new KeyMutationService(Writes, new KeyMinter(Format, Hasher, Clock), [], [], Microsoft.Extensions.Options.Options.Create(Options),
            Clock, NullLogger<KeyMutationService>.Instance);
    }

    public TempDatabase File { get; }
    public FakeTimeProvider Clock { get; } = new(Start);
    public SqliteDatabase Database { get; }
    public KeyStore Keys { get; }
    public AdminCredentialStore Admins { get; }
    public UsageStore Usage { get; }
    public KeyChangeFeed Changes { get; }
    public KeyFormat Format { get; }
    public KeyHasher Hasher { get; }
    public KeysOptions Options { get; }
    public KeyWriteStore Writes { get; }
    public KeyMutationService Mutations { get; }

    public static async Task<TestStore> CreateAsync(int maxActivePerOwner = 10, string? pepper = null)
    {
        var store = new TestStore(new TempDatabase(), maxActivePerOwner, pepper);
        await new SqliteMigrator(store.Database, NullLogger<SqliteMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        return store;
    }

    public static SqliteDatabase Open(string connectionString) =>
        new(Microsoft.Extensions.Options.Options.Create(new KeyStoreOptions { ConnectionString = connectionString }));

    public static KeySpec Spec(string name = "ci", string workspaceId = "ws_1", string? owner = null, DateTimeOffset? expiresAt = null,
        IReadOnlyList<string>? scopes = null, KeyMode mode = KeyMode.Live) =>
        new(name, workspaceId, scopes ?? ["contacts:read"], owner, mode, expiresAt, Tier: null, RateLimit: null, Quota: null, AllowedIps: [], Workspaces: []);

    public async Task<IssuedKey> MintAsync(KeySpec? spec = null)
    {
        var result = await Mutations.CreateAsync(spec ?? Spec(), Admin, TestContext.Current.CancellationToken);
        Assert.Equal(CreateKeyStatus.Created, result.Status);
        return result.Issued!;
    }

    /// <summary>
    /// A second mutation service on the same file over its own database object: another admin-API process.
    /// </summary>
    public KeyMutationService OtherProcess() =>
        new(new KeyWriteStore(new SqliteDialect(Open(File.ConnectionString)), Clock), new KeyMinter(Format, Hasher, Clock), [], [],
            Microsoft.Extensions.Options.Options.Create(Options), Clock, NullLogger<KeyMutationService>.Instance);

    /// <summary>A mutation service on this store with the given hooks and listeners.</summary>
    public KeyMutationService MutationsWith(IKeyMutationHook[] hooks, IKeyMutationListener[] listeners) =>
        new(Writes, new KeyMinter(Format, Hasher, Clock), hooks, listeners, Microsoft.Extensions.Options.Options.Create(Options), Clock,
            NullLogger<KeyMutationService>.Instance);

    /// <summary>Stores <paramref name="key"/> as given (no rules, audit or feed row): for keys no mint would make.</summary>
    public Task InsertAsIsAsync(NewKey key) => Writes.WriteAsync(async writer =>
    {
        await writer.InsertKeyAsync(key);
        return true;
    }, TestContext.Current.CancellationToken);

    public void Dispose() => File.Dispose();
}
