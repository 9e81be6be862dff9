using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
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
        // The change feed counts as followed: workspace limits are kept until a test evicts them (as the poller would).
        Health = new StoreHealth(Clock, Microsoft.Extensions.Options.Options.Create(new AuthOptions()));
        Health.ReportPolled(Clock.GetUtcNow(), 0);
        Workspaces = new WorkspaceLimitsCache(new WorkspaceLimitsStore(new SqliteDialect(Database)), Health, Clock, NullLogger<WorkspaceLimitsCache>.Instance);
        WorkspaceLimits = new WorkspaceLimitsService(new KeyWriteStore(new SqliteDialect(Database), Clock), [], [], Clock, NullLogger<WorkspaceLimitsService>.Instance);
        Limiter = Restart();
    }

    public FakeTimeProvider Clock { get; }

    public TestOptionsMonitor<RateLimitsOptions> Options { get; }

    public SqliteDatabase Database { get; }

    public IUsageStore Store { get; set; }

    public LocalKeyRateLimiter Limiter { get; private set; }

    public StoreHealth Health { get; }

    /// <summary>Workspace limits as the gateway reads them (kept until <see cref="SetWorkspaceLimitsAsync"/> evicts them).</summary>
    public WorkspaceLimitsCache Workspaces { get; }

    /// <summary>Changes workspace limits as the admin API does (rules, audit, change-feed row).</summary>
    public WorkspaceLimitsService WorkspaceLimits { get; }

    /// <summary>Sets a workspace's limits in the store and evicts them here, as the change feed would.</summary>
    public async Task SetWorkspaceLimitsAsync(string workspaceId, WorkspaceLimitsSpec spec)
    {
        await WorkspaceLimits.SetAsync(workspaceId, spec, new Actor("adm_tests", "tests"), TestContext.Current.CancellationToken);
        Workspaces.Evict(workspaceId);
    }

    /// <summary>An admission step over this harness's limiter, policies and workspace limits.</summary>
    public RateLimitAdmission Admission(QuotaExhaustions exhaustions, IKeyRateLimiter? limiter = null) =>
        new(limiter ?? Limiter, new RateLimitPolicyResolver(Options), Workspaces, exhaustions, NullLogger<RateLimitAdmission>.Instance);

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
