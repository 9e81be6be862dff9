using System.Text.Json;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Portal;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Tests.Storage.Contract;
using ApiGateway.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Keys.Tests.Portal;

/// <summary>Portal sessions on every engine: a token starts one session once, before its expiry, for at most an hour.</summary>
public abstract class PortalSessionStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<StoreHarness> _harnesses = [];

    protected abstract string Provider { get; }

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<string> NewDatabaseAsync();

    [Fact]
    public async Task Start_FirstUse_StartsForTwelveTtlsThenTokenIsSpent()
    {
        var store = await OpenAsync();
        var (session, token) = await CreateAsync(store, ttlSeconds: 60);

        Clock.Advance(TimeSpan.FromSeconds(10));
        var started = await store.PortalSessions.StartAsync(PortalToken.Hash(token), Ct);

        Assert.NotNull(started);
        Assert.Equal(session.Id, started.Id);
        Assert.Equal(["contacts:read", "*:read"], started.AllowedScopes);
        Assert.Equal(Clock.GetUtcNow(), started.StartedAt);
        Assert.Equal(Clock.GetUtcNow().AddMinutes(12), started.SessionExpiresAt);
        Assert.True(started.IsLiveAt(Clock.GetUtcNow().AddMinutes(12).AddMilliseconds(-1)));
        Assert.False(started.IsLiveAt(Clock.GetUtcNow().AddMinutes(12)));
        Assert.Null(await store.PortalSessions.StartAsync(PortalToken.Hash(token), Ct));
    }

    [Fact]
    public async Task Start_LongTtl_LastsOneHourAtMost()
    {
        var store = await OpenAsync();
        var (_, token) = await CreateAsync(store, ttlSeconds: 3600);
        var started = await store.PortalSessions.StartAsync(PortalToken.Hash(token), Ct);
        Assert.Equal(Clock.GetUtcNow().AddHours(1), started!.SessionExpiresAt);
    }

    [Fact]
    public async Task Start_AtTokenExpiry_ReturnsNull()
    {
        var store = await OpenAsync();
        var (_, token) = await CreateAsync(store, ttlSeconds: 300);
        Clock.Advance(TimeSpan.FromSeconds(300));
        Assert.Null(await store.PortalSessions.StartAsync(PortalToken.Hash(token), Ct));
        Assert.Null(await store.PortalSessions.StartAsync(PortalToken.Hash(PortalToken.New()), Ct));
    }

    [Fact]
    public async Task Start_TwoProcessesRace_ExactlyOneSessionStarts()
    {
        var first = await OpenAsync();
        var second = await OpenAsync(migrate: false);
        for (var round = 0; round < 10; round++)
        {
            var (_, token) = await CreateAsync(first, ttlSeconds: 300);
            var hash = PortalToken.Hash(token);
            var results = await Task.WhenAll(
                Task.Run(() => first.PortalSessions.StartAsync(hash, Ct), Ct),
                Task.Run(() => second.PortalSessions.StartAsync(hash, Ct), Ct));
            Assert.Single(results, r => r is not null);
        }
    }

    [Fact]
    public async Task Create_AuditsByTheAdminWithoutTheTokenOrItsHash()
    {
        var store = await OpenAsync();
        var (session, token) = await CreateAsync(store, ttlSeconds: 300);

        var audit = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.PortalSessionCreated, 10, 0), Ct)).Items);
        Assert.Equal(new Actor("adm_saas", "saas backend"), audit.Actor);
        using var details = JsonDocument.Parse(audit.Details!);
        Assert.Equal(session.Id, details.RootElement.GetProperty("portalSession").GetString());
        Assert.Equal("user_1", details.RootElement.GetProperty("owner").GetString());
        Assert.DoesNotContain(token, audit.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(PortalToken.Hash(token)), audit.Details, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Actor_WithSession_RecordsDetailsSessionOnEveryKeyEvent()
    {
        var store = await OpenAsync();
        var (session, token) = await CreateAsync(store, ttlSeconds: 300);
        var started = await store.PortalSessions.StartAsync(PortalToken.Hash(token), Ct);
        var key = (await store.Mutations.CreateAsync(StoreHarness.Spec(owner: "user_1"), started!.Actor, Ct)).Issued!.Key;
        await store.Mutations.RevokeAsync(key.Id, started.Actor, Ct);

        var events = (await store.Keys.ListAuditAsync(new AuditQuery(key.Id, null, 10, 0), Ct)).Items;
        Assert.Equal(2, events.Count);
        foreach (var e in events)
        {
            Assert.Equal("portal:user_1", e.Actor.Id);
            Assert.Equal("User One", e.Actor.Name);
            using var details = JsonDocument.Parse(e.Details!);
            Assert.Equal(session.CreatedBy, details.RootElement.GetProperty("session").GetString());
        }
        using var created = JsonDocument.Parse(events.Single(e => e.Action == AuditActions.KeyCreated).Details!);
        Assert.Equal(key.Prefix, created.RootElement.GetProperty("prefix").GetString()); // the event's own details stay
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var harness in _harnesses)
        {
            await harness.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    private string? _connectionString;

    private async Task<StoreHarness> OpenAsync(bool migrate = true)
    {
        _connectionString ??= await NewDatabaseAsync();
        var harness = StoreHarness.Create(Provider, _connectionString, Clock);
        _harnesses.Add(harness);
        if (migrate)
        {
            await harness.Migrator.MigrateAsync(Ct);
        }
        return harness;
    }

    private async Task<(PortalSession Session, string Token)> CreateAsync(StoreHarness store, int ttlSeconds)
    {
        var now = Clock.GetUtcNow();
        var session = new PortalSession
        {
            Id = Ids.New("ps"),
            WorkspaceId = "ws_1",
            Owner = "user_1",
            DisplayName = "User One",
            AllowedScopes = ["contacts:read", "*:read"],
            CreatedBy = "adm_saas",
            CreatedAt = now,
            TtlSeconds = ttlSeconds,
            TokenExpiresAt = now.AddSeconds(ttlSeconds),
        };
        var token = PortalToken.New();
        await store.PortalSessions.CreateAsync(session, PortalToken.Hash(token), new Actor("adm_saas", "saas backend"), Ct);
        return (session, token);
    }
}

public sealed class SqlitePortalSessionStoreTests : PortalSessionStoreTests
{
    private readonly TempDatabase _database = new();

    protected override string Provider => "sqlite";

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(_database.ConnectionString);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}

[Collection(PostgresStoreFixtureGroup.Name)]
public sealed class PostgresPortalSessionStoreTests(PostgresServer server) : PortalSessionStoreTests
{
    protected override string Provider => "postgres";

    protected override Task<string> NewDatabaseAsync()
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        return server.CreateDatabaseAsync(Ct);
    }
}
