using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

/// <summary>A migrated SQLite file in a temp folder with every store over it, a fake clock and an issuer.</summary>
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
        Issuer = new KeyIssuer(Keys, Admins, Format, Hasher, Microsoft.Extensions.Options.Options.Create(Options), Clock);
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
    public KeyIssuer Issuer { get; }

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
        var result = await Issuer.CreateAsync(spec ?? Spec(), Admin, TestContext.Current.CancellationToken);
        Assert.Equal(CreateKeyStatus.Created, result.Status);
        return result.Issued!;
    }

    public void Dispose() => File.Dispose();
}
