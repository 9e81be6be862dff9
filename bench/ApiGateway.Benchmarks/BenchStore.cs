using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Benchmarks;

/// <summary>A real SQLite key store in a temp directory holding one key with the given scopes, for cache benchmarks.</summary>
public sealed class BenchStore : IDisposable
{
    private readonly DirectoryInfo _dir;
    private readonly KeyWriteStore _writes;

    private BenchStore(DirectoryInfo dir, SqliteDatabase database, IKeyStore store, string plaintext, ApiKey key)
    {
        _dir = dir;
        Usage = new UsageStore(new SqliteDialect(database));
        ShadowDecisions = new ShadowDecisionStore(new SqliteDialect(database));
        QuotaExhaustions = new QuotaExhaustionStore(new SqliteDialect(database));
        WorkspaceLimits = new WorkspaceLimitsStore(new SqliteDialect(database));
        _writes = new KeyWriteStore(new SqliteDialect(database), TimeProvider.System);
        Store = store;
        Plaintext = plaintext;
        Key = key;
    }

    public IKeyStore Store { get; }

    public IShadowDecisionStore ShadowDecisions { get; }

    public IUsageStore Usage { get; }

    public IQuotaExhaustionStore QuotaExhaustions { get; }

    public IWorkspaceLimitsStore WorkspaceLimits { get; }

    /// <summary>Gives the bench key's workspace (<c>ws_bench</c>) limits of its own.</summary>
    public void SetWorkspaceLimits(WorkspaceLimitsSpec spec) =>
        new ApiGateway.Keys.Mutations.WorkspaceLimitsService(_writes, [], [], TimeProvider.System,
                NullLogger<ApiGateway.Keys.Mutations.WorkspaceLimitsService>.Instance)
            .SetAsync(Key.WorkspaceId, spec, new Actor("adm_bench", "bench"), CancellationToken.None).GetAwaiter().GetResult();

    public string Plaintext { get; }

    public ApiKey Key { get; }

    public static BenchStore Create(IReadOnlyList<string> scopes)
    {
        var dir = Directory.CreateTempSubdirectory("agw-bench-store-");
        var database = new SqliteDatabase(Options.Create(new KeyStoreOptions { ConnectionString = $"Data Source={Path.Combine(dir.FullName, "keys.db")}" }));
        new SqliteMigrator(database, NullLogger<SqliteMigrator>.Instance).MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        var store = new KeyStore(new SqliteDialect(database), TimeProvider.System);
        var plaintext = BenchKeys.Format.Mint(KeyMode.Live);
        var key = new ApiKey
        {
            Id = Ids.New("key"),
            Name = "bench",
            Prefix = KeyFormat.VisiblePrefix(plaintext),
            Mode = KeyMode.Live,
            WorkspaceId = "ws_bench",
            Scopes = scopes,
            LineageId = Ids.New("lin"),
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedBy = "adm_bench",
        };
        new KeyWriteStore(new SqliteDialect(database), TimeProvider.System).WriteAsync(async writer =>
        {
            await writer.InsertKeyAsync(new NewKey(key, BenchKeys.Hasher.Hash(plaintext)));
            return true;
        }, CancellationToken.None).GetAwaiter().GetResult();
        return new BenchStore(dir, database, store, plaintext, key);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
