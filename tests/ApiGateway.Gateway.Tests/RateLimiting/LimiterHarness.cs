using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.RateLimits;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests.RateLimiting;

/// <summary>A local limiter over a real, migrated SQLite temp file and a fake clock; <see cref="Restart"/> builds a new instance on the same store.</summary>
internal sealed class LimiterHarness : IAsyncDisposable
{
    private readonly TempDatabase _database = new();
    private readonly List<LocalKeyRateLimiter> _limiters = [];

    private readonly SharedLimiterMode _mode;

    private LimiterHarness(DateTimeOffset start, RateLimitsOptions options, bool shared)
    {
        _mode = new SharedLimiterMode(shared);
        Clock = new FakeTimeProvider(start);
        Options = new TestOptionsMonitor<RateLimitsOptions>(options);
        var storeOptions = Microsoft.Extensions.Options.Options.Create(new KeyStoreOptions { ConnectionString = _database.ConnectionString });
        Database = new SqliteDatabase(storeOptions);
        Store = new UsageStore(new SqliteDialect(Database));
        Limiter = Restart();
    }

    public FakeTimeProvider Clock { get; }

    public TestOptionsMonitor<RateLimitsOptions> Options { get; }

    public SqliteDatabase Database { get; }

    public IUsageStore Store { get; set; }

    public LocalKeyRateLimiter Limiter { get; private set; }

    /// <param name="shared">The limiter is the Redis limiter's fallback (quota ledger for Redis-era spends, unmerged fallback spends).</param>
    public static async Task<LimiterHarness> CreateAsync(DateTimeOffset? start = null, RateLimitsOptions? options = null, bool shared = false)
    {
        var harness = new LimiterHarness(start ?? new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero), options ?? RateLimitTestData.Options(), shared);
        await new SqliteMigrator(harness.Database, NullLogger<SqliteMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        return harness;
    }

    /// <summary>A new limiter on the same store and clock, as after a gateway restart.</summary>
    public LocalKeyRateLimiter Restart()
    {
        Limiter = new LocalKeyRateLimiter(Store, Clock, Options, _mode, NullLogger<LocalKeyRateLimiter>.Instance);
        _limiters.Add(Limiter);
        return Limiter;
    }

    public async Task<RateLimitDecision> AcquireAsync(RateLimitPolicy policy, string lineageId = "lin_a") =>
        await Limiter.AcquireAsync(new RateLimitRequest(lineageId, policy), TestContext.Current.CancellationToken);

    /// <summary>Acquires <paramref name="count"/> times; returns how many were allowed.</summary>
    public async Task<int> AcquireManyAsync(RateLimitPolicy policy, int count, string lineageId = "lin_a")
    {
        var allowed = 0;
        for (var i = 0; i < count; i++)
        {
            allowed += (await AcquireAsync(policy, lineageId)).IsAllowed ? 1 : 0;
        }
        return allowed;
    }

    public async Task<IReadOnlyDictionary<string, long>> StoredAsync(string lineageId, params string[] periods) =>
        await Store.GetQuotaUsageAsync(lineageId, periods, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var limiter in _limiters)
        {
            limiter.Dispose();
        }
        await Task.CompletedTask;
        _database.Dispose();
    }
}
