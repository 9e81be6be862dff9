using System.Collections.Concurrent;
using System.Data.Common;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Keys.Tests.Storage.Contract;

/// <summary>
/// The store contract (IKeyStore, IAdminCredentialStore, IKeyChangeFeed, IUsageStore, IStoreMigrator), run against
/// every provider by the subclasses. Each test gets its own empty, migrated database.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    public static readonly Actor Operator = new("adm_operator", "operator");
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<StoreHarness> _harnesses = [];
    private string? _connectionString;

    protected abstract string Provider { get; }

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Returns once a writer that began a write transaction while another holds its locks is seen waiting for them (SQLite:
    /// beginning is waiting, for the database write lock; Postgres: the server shows the backend waiting on a lock).
    /// </summary>
    protected virtual Task WaitForBlockedWriterAsync() => Task.CompletedTask;

    /// <summary>Makes an empty database and returns its connection string; skips the test when the provider is unavailable.</summary>
    protected abstract Task<string> NewDatabaseAsync();

    /// <summary>This test's database (made on first use), for raw connections beside the stores.</summary>
    protected async Task<string> ConnectionStringAsync() => _connectionString ??= await NewDatabaseAsync();

    /// <summary>A migrated store on this test's database (made on first use); each call is another "process".</summary>
    protected async Task<StoreHarness> OpenAsync(bool migrate = true, int maxActivePerOwner = 10)
    {
        _connectionString ??= await NewDatabaseAsync();
        var harness = StoreHarness.Create(Provider, _connectionString, Clock, maxActivePerOwner);
        _harnesses.Add(harness);
        if (migrate)
        {
            await harness.Migrator.MigrateAsync(Ct);
        }
        return harness;
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

    // ---- keys: create, get, find ----

    [Fact]
    public async Task Create_ThenGet_RoundTripsEveryField()
    {
        var store = await OpenAsync();
        var spec = new KeySpec("billing sync", "ws_main", ["contacts:read", "contacts:write"], "user_1", KeyMode.Test,
            Start.AddDays(30), "pro", new RateLimitOverride(50, 60), new QuotaOverride(1000, null), ["10.0.0.0/8", "192.168.1.7"], ["ws_other"]);

        var issued = (await store.Mutations.CreateAsync(spec, Operator, Ct)).Issued!;
        var stored = await store.Keys.GetAsync(issued.Key.Id, Ct);

        Assert.NotNull(stored);
        Assert.Equal(issued.Key, stored with { Scopes = issued.Key.Scopes, AllowedIps = issued.Key.AllowedIps, Workspaces = issued.Key.Workspaces });
        Assert.Equal(["contacts:read", "contacts:write"], stored.Scopes);
        Assert.Equal(["10.0.0.0/8", "192.168.1.7"], stored.AllowedIps);
        Assert.Equal(["ws_other"], stored.Workspaces);
        Assert.Equal(new RateLimitOverride(50, 60), stored.RateLimit);
        Assert.Equal(new QuotaOverride(1000, null), stored.Quota);
        Assert.Equal(KeyMode.Test, stored.Mode);
        Assert.Equal(Start.AddDays(30), stored.ExpiresAt);
        Assert.Equal(Start, stored.CreatedAt);
        Assert.Equal(Operator.Id, stored.CreatedBy);
        Assert.Null(stored.RevokedAt);
        Assert.Null(stored.LastUsedAt);
        Assert.Equal(KeyFormat.VisiblePrefix(issued.Plaintext), stored.Prefix);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        var store = await OpenAsync();

        Assert.Null(await store.Keys.GetAsync("key_doesnotexist0000000000", Ct));
    }

    [Fact]
    public async Task FindByHash_ActiveOrRevokedKey_ReturnsItWhateverItsStatus()
    {
        var store = await OpenAsync();
        var issued = await store.MintAsync(StoreHarness.Spec(), Ct);
        var hash = store.Hasher.Hash(issued.Plaintext);

        Assert.Equal(issued.Key.Id, (await store.Keys.FindByHashAsync(hash, Ct))?.Id);
        await store.Mutations.RevokeAsync(issued.Key.Id, Operator, Ct);
        var revoked = await store.Keys.FindByHashAsync(hash, Ct);
        Assert.Equal(KeyStatus.Revoked, revoked?.StatusAt(Clock.GetUtcNow()));
    }

    [Fact]
    public async Task FindByHash_UnknownHash_ReturnsNull()
    {
        var store = await OpenAsync();
        await store.MintAsync(StoreHarness.Spec(), Ct);

        Assert.Null(await store.Keys.FindByHashAsync(store.Hasher.Hash("agw_live_not-a-stored-key"), Ct));
    }

    [Fact]
    public async Task Create_DuplicateHash_ThrowsAndStoresNothing()
    {
        var store = await OpenAsync();
        var first = await store.MintAsync(StoreHarness.Spec(), Ct);
        var copy = first.Key with { Id = ApiGateway.Keys.Format.Ids.New("key"), LineageId = ApiGateway.Keys.Format.Ids.New("lin") };

        await Assert.ThrowsAnyAsync<DbException>(() => store.InsertAsIsAsync(new NewKey(copy, store.Hasher.Hash(first.Plaintext)), Ct));
        Assert.Null(await store.Keys.GetAsync(copy.Id, Ct));
        Assert.Equal(1, (await store.Keys.ListAsync(new KeyQuery(null, null, null, 100, 0), Ct)).Total);
    }

    // ---- keys: list ----

    [Fact]
    public async Task List_WorkspaceOwnerAndStatusFilters_ReturnMatchingKeysOnly()
    {
        var store = await OpenAsync();
        var active = await store.MintAsync(StoreHarness.Spec("a", "ws_1", "alice"), Ct);
        var other = await store.MintAsync(StoreHarness.Spec("b", "ws_2", "alice"), Ct);
        var revoked = await store.MintAsync(StoreHarness.Spec("c", "ws_1", "bob"), Ct);
        var expiring = await store.MintAsync(StoreHarness.Spec("d", "ws_1", "bob", expiresAt: Start.AddHours(1)), Ct);
        await store.Mutations.RevokeAsync(revoked.Key.Id, Operator, Ct);
        Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(IdsOf(active, revoked, expiring), await ListIdsAsync(store, new KeyQuery("ws_1", null, null, 100, 0)));
        Assert.Equal(IdsOf(active, other), await ListIdsAsync(store, new KeyQuery(null, "alice", null, 100, 0)));
        Assert.Equal(IdsOf(active), await ListIdsAsync(store, new KeyQuery("ws_1", null, KeyStatus.Active, 100, 0)));
        Assert.Equal(IdsOf(revoked), await ListIdsAsync(store, new KeyQuery(null, null, KeyStatus.Revoked, 100, 0)));
        Assert.Equal(IdsOf(expiring), await ListIdsAsync(store, new KeyQuery(null, "bob", KeyStatus.Expired, 100, 0)));
        Assert.Empty(await ListIdsAsync(store, new KeyQuery("ws_2", "bob", null, 100, 0)));
    }

    [Fact]
    public async Task List_Paging_NewestFirstWithTotalOfAllMatches()
    {
        var store = await OpenAsync();
        var minted = new List<IssuedKey>();
        for (var i = 0; i < 7; i++)
        {
            minted.Add(await store.MintAsync(StoreHarness.Spec($"k{i}"), Ct));
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await store.Keys.ListAsync(new KeyQuery(null, null, null, 3, 0), Ct);
        var last = await store.Keys.ListAsync(new KeyQuery(null, null, null, 3, 6), Ct);

        Assert.Equal(7, first.Total);
        Assert.Equal(["k6", "k5", "k4"], first.Items.Select(k => k.Name));
        Assert.Equal(7, last.Total);
        Assert.Equal(["k0"], last.Items.Select(k => k.Name));
    }

    [Fact]
    public async Task List_NameContains_CaseInsensitiveAndWildcardsLiteral()
    {
        var store = await OpenAsync();
        var billing = await store.MintAsync(StoreHarness.Spec("Billing Sync"), Ct);
        var billingEu = await store.MintAsync(StoreHarness.Spec("eu-billing"), Ct);
        var percent = await store.MintAsync(StoreHarness.Spec("100%_done"), Ct);
        await store.MintAsync(StoreHarness.Spec("reporting"), Ct);

        Assert.Equal(IdsOf(billing, billingEu), await ListIdsAsync(store, new KeyQuery(null, null, null, 100, 0) { NameContains = "BILLING" }));
        Assert.Equal(IdsOf(percent), await ListIdsAsync(store, new KeyQuery(null, null, null, 100, 0) { NameContains = "%" }));
        Assert.Equal(IdsOf(percent), await ListIdsAsync(store, new KeyQuery(null, null, null, 100, 0) { NameContains = "0%_d" }));
        Assert.Empty(await ListIdsAsync(store, new KeyQuery(null, null, null, 100, 0) { NameContains = "g_s" }));
        Assert.Equal(2, (await store.Keys.ListAsync(new KeyQuery(null, null, null, 1, 0) { NameContains = "billing" }, Ct)).Total);
    }

    [Fact]
    public async Task List_PrefixStartsWith_FindsKeysByTheStartOfTheirVisiblePrefix()
    {
        var store = await OpenAsync();
        var minted = new List<IssuedKey>();
        for (var i = 0; i < 20; i++)
        {
            minted.Add(await store.MintAsync(StoreHarness.Spec($"k{i}", mode: i % 2 == 0 ? KeyMode.Live : KeyMode.Test), Ct));
        }
        var target = minted[7];

        var exact = await ListIdsAsync(store, new KeyQuery(null, null, null, 100, 0) { PrefixStartsWith = target.Key.Prefix });
        var live = await ListIdsAsync(store, new KeyQuery(null, null, null, 100, 0) { PrefixStartsWith = "agw_live_" });
        var wrongCase = await ListIdsAsync(store, new KeyQuery(null, null, null, 100, 0) { PrefixStartsWith = target.Key.Prefix.ToUpperInvariant() });

        Assert.Equal(IdsOf(target), exact);
        Assert.Equal(IdsOf([.. minted.Where(k => k.Key.Mode == KeyMode.Live)]), live);
        Assert.DoesNotContain(target.Key.Id, wrongCase);
    }

    [Fact]
    public async Task List_After_WalksEveryKeyOnceNewestFirstEvenWithinOneMillisecond()
    {
        var store = await OpenAsync();
        var minted = new List<IssuedKey>();
        for (var i = 0; i < 7; i++)
        {
            minted.Add(await store.MintAsync(StoreHarness.Spec($"k{i}"), Ct));
            if (i % 3 == 2)
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }
        var byOffset = (await store.Keys.ListAsync(new KeyQuery(null, null, null, 100, 0), Ct)).Items.Select(k => k.Id).ToArray();

        var walked = new List<string>();
        KeyCursor? after = null;
        var pages = 0;
        do
        {
            var page = await store.Keys.ListAsync(new KeyQuery(null, null, null, 3, 0) { After = after }, Ct);
            Assert.Equal(7, page.Total);
            walked.AddRange(page.Items.Select(k => k.Id));
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(byOffset, walked);
        Assert.Equal(3, pages);
    }

    // ---- keys: update, revoke ----

    [Fact]
    public async Task Update_SetFields_PersistsAuditsAndFeedsTheChange()
    {
        var store = await OpenAsync();
        var issued = await store.MintAsync(StoreHarness.Spec(), Ct);
        var before = await store.Feed.GetLatestSequenceAsync(Ct);
        var update = new KeyUpdate
        {
            Name = new(true, "renamed"),
            Scopes = new(true, ["contacts:write"]),
            Tier = new(true, "gold"),
            RateLimit = new(true, new RateLimitOverride(5, 1)),
            Quota = new(true, new QuotaOverride(null, 99)),
            AllowedIps = new(true, ["127.0.0.1"]),
            ExpiresAt = new(true, Start.AddDays(1)),
        };

        var updated = await store.Mutations.UpdateAsync(issued.Key.Id, update, Operator, Ct);
        var stored = await store.Keys.GetAsync(issued.Key.Id, Ct);

        Assert.Equal(UpdateKeyStatus.Updated, updated.Status);
        Assert.Equal("renamed", stored!.Name);
        Assert.Equal(["contacts:write"], stored.Scopes);
        Assert.Equal("gold", stored.Tier);
        Assert.Equal(new RateLimitOverride(5, 1), stored.RateLimit);
        Assert.Equal(new QuotaOverride(null, 99), stored.Quota);
        Assert.Equal(["127.0.0.1"], stored.AllowedIps);
        Assert.Equal(Start.AddDays(1), stored.ExpiresAt);
        var changes = await store.Feed.ReadAsync(before, 100, Ct);
        Assert.Equal([issued.Key.Id], changes.Select(c => c.KeyId));
        var audit = (await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, AuditActions.KeyUpdated, 10, 0), Ct)).Items;
        var updatedEvent = Assert.Single(audit);
        Assert.Equal("renamed", updatedEvent.KeyName);
        Assert.Contains("\"scopesAfter\":[\"contacts:write\"]", updatedEvent.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_NullValues_ClearOptionalFieldsAndLeaveOthers()
    {
        var store = await OpenAsync();
        var spec = StoreHarness.Spec(expiresAt: Start.AddDays(3)) with { Tier = "pro", RateLimit = new RateLimitOverride(1, 1), Quota = new QuotaOverride(1, 1) };
        var issued = await store.MintAsync(spec, Ct);

        await store.Mutations.UpdateAsync(issued.Key.Id, new KeyUpdate { Tier = new(true, null), RateLimit = new(true, null), Quota = new(true, null), ExpiresAt = new(true, null) }, Operator, Ct);
        var stored = await store.Keys.GetAsync(issued.Key.Id, Ct);

        Assert.Null(stored!.Tier);
        Assert.Null(stored.RateLimit);
        Assert.Null(stored.Quota);
        Assert.Null(stored.ExpiresAt);
        Assert.Equal(issued.Key.Name, stored.Name);
        Assert.Equal(issued.Key.Scopes, stored.Scopes);
    }

    [Fact]
    public async Task Update_UnknownId_ReturnsNull()
    {
        var store = await OpenAsync();

        Assert.Equal(new UpdateKeyOutcome(UpdateKeyStatus.NotFound, null), await store.Mutations.UpdateAsync("key_missing", new KeyUpdate { Name = new(true, "x") }, Operator, Ct));
    }

    [Fact]
    public async Task Update_EveryField_AuditsBeforeAndAfterValues()
    {
        var store = await OpenAsync();
        var spec = StoreHarness.Spec("before", expiresAt: Start.AddDays(3)) with
        {
            Tier = "free", RateLimit = new RateLimitOverride(1, 2), Quota = new QuotaOverride(3, null), AllowedIps = ["10.0.0.0/8"],
        };
        var issued = await store.MintAsync(spec, Ct);
        var update = new KeyUpdate
        {
            Name = new(true, "after"),
            Scopes = new(true, ["contacts:write"]),
            Tier = new(true, null),
            RateLimit = new(true, new RateLimitOverride(5, 6)),
            Quota = new(true, null),
            AllowedIps = new(true, []),
            ExpiresAt = new(true, null),
        };

        await store.Mutations.UpdateAsync(issued.Key.Id, update, Operator, Ct);

        var details = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, AuditActions.KeyUpdated, 10, 0), Ct)).Items).Details!;
        using var json = System.Text.Json.JsonDocument.Parse(details);
        var root = json.RootElement;
        Assert.Equal("before", root.GetProperty("nameBefore").GetString());
        Assert.Equal("after", root.GetProperty("nameAfter").GetString());
        Assert.Equal("free", root.GetProperty("tierBefore").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("tierAfter").ValueKind);
        Assert.Equal("""{"limit":1,"periodSeconds":2}""", root.GetProperty("rateLimitBefore").GetRawText());
        Assert.Equal("""{"limit":5,"periodSeconds":6}""", root.GetProperty("rateLimitAfter").GetRawText());
        Assert.Equal("""{"daily":3}""", root.GetProperty("quotaBefore").GetRawText());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("quotaAfter").ValueKind);
        Assert.Equal("""["10.0.0.0/8"]""", root.GetProperty("allowedIpsBefore").GetRawText());
        Assert.Equal("[]", root.GetProperty("allowedIpsAfter").GetRawText());
        Assert.Equal("2026-01-04T00:00:00.000Z", root.GetProperty("expiresAtBefore").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("expiresAtAfter").ValueKind);
        Assert.DoesNotContain(issued.Plaintext, details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_ExpiryOfRotatedOutKeyInGrace_IsRefusedAndOtherFieldsStillChange()
    {
        var store = await OpenAsync();
        var old = await store.MintAsync(StoreHarness.Spec(), Ct);
        await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.FromHours(1), null, Operator, Ct);

        var cleared = await store.Mutations.UpdateAsync(old.Key.Id, new KeyUpdate { ExpiresAt = new(true, null) }, Operator, Ct);
        var extended = await store.Mutations.UpdateAsync(old.Key.Id, new KeyUpdate { ExpiresAt = new(true, Start.AddDays(1)) }, Operator, Ct);
        var renamed = await store.Mutations.UpdateAsync(old.Key.Id, new KeyUpdate { Name = new(true, "old, ending") }, Operator, Ct);

        Assert.Equal(UpdateKeyStatus.ExpiryFixedByRotation, cleared.Status);
        Assert.Equal(UpdateKeyStatus.ExpiryFixedByRotation, extended.Status);
        Assert.Equal(UpdateKeyStatus.Updated, renamed.Status);
        var stored = (await store.Keys.GetAsync(old.Key.Id, Ct))!;
        Assert.Equal(Start.AddHours(1), stored.ExpiresAt);
        Assert.Equal("old, ending", stored.Name);
        Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(old.Key.Id, AuditActions.KeyUpdated, 10, 0), Ct)).Items);
    }

    [Fact]
    public async Task Update_KeyRevokedOrExpiredBeforeTheWrite_IsRefusedAndNotRevived()
    {
        var store = await OpenAsync();
        var revoked = await store.MintAsync(StoreHarness.Spec(), Ct);
        var expiring = await store.MintAsync(StoreHarness.Spec(expiresAt: Start.AddMinutes(1)), Ct);
        await store.Mutations.RevokeAsync(revoked.Key.Id, Operator, Ct);
        Clock.Advance(TimeSpan.FromMinutes(2));

        var onRevoked = await store.Mutations.UpdateAsync(revoked.Key.Id, new KeyUpdate { Name = new(true, "x") }, Operator, Ct);
        var onExpired = await store.Mutations.UpdateAsync(expiring.Key.Id, new KeyUpdate { ExpiresAt = new(true, Start.AddDays(1)) }, Operator, Ct);

        Assert.Equal(UpdateKeyStatus.NotActive, onRevoked.Status);
        Assert.Equal(UpdateKeyStatus.NotActive, onExpired.Status);
        Assert.Equal(KeyStatus.Expired, (await store.Keys.GetAsync(expiring.Key.Id, Ct))!.StatusAt(Clock.GetUtcNow()));
        Assert.Equal(0, (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyUpdated, 10, 0), Ct)).Total);
    }

    [Fact]
    public async Task Update_EnabledFalseThenTrue_DisabledAtStoredListedByStatusAuditedAndFedEachTime()
    {
        var store = await OpenAsync(maxActivePerOwner: 1);
        var issued = await store.MintAsync(StoreHarness.Spec(owner: "alice"), Ct);
        var before = await store.Feed.GetLatestSequenceAsync(Ct);
        KeyQuery Listing(KeyStatus status) => new(null, "alice", status, 10, 0);

        var disabled = await store.Mutations.UpdateAsync(issued.Key.Id, new KeyUpdate { Enabled = new(true, false) }, Operator, Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var stored = (await store.Keys.GetAsync(issued.Key.Id, Ct))!;
        var listedDisabled = await store.Keys.ListAsync(Listing(KeyStatus.Disabled), Ct);
        var listedActive = await store.Keys.ListAsync(Listing(KeyStatus.Active), Ct);
        var overCap = await store.Mutations.CreateAsync(StoreHarness.Spec(owner: "alice"), Operator, Ct);
        var enabled = await store.Mutations.UpdateAsync(issued.Key.Id, new KeyUpdate { Enabled = new(true, true) }, Operator, Ct);

        Assert.Equal((UpdateKeyStatus.Updated, (DateTimeOffset?)Start), (disabled.Status, disabled.Key!.DisabledAt));
        Assert.Equal(Start, stored.DisabledAt);
        Assert.Equal(KeyStatus.Disabled, stored.StatusAt(Clock.GetUtcNow()));
        Assert.Equal([issued.Key.Id], listedDisabled.Items.Select(k => k.Id));
        Assert.Empty(listedActive.Items);
        Assert.Equal(CreateKeyStatus.OwnerLimitReached, overCap.Status); // a paused key still counts toward its owner's cap
        Assert.Null((await store.Keys.GetAsync(issued.Key.Id, Ct))!.DisabledAt);
        Assert.Equal(UpdateKeyStatus.Updated, enabled.Status);
        Assert.Equal([issued.Key.Id], (await store.Keys.ListAsync(Listing(KeyStatus.Active), Ct)).Items.Select(k => k.Id));
        Assert.Equal([issued.Key.Id, issued.Key.Id], (await store.Feed.ReadAsync(before, 100, Ct)).Select(c => c.KeyId));
        var audit = (await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, null, 10, 0), Ct)).Items;
        Assert.Equal([AuditActions.KeyEnabled, AuditActions.KeyDisabled, AuditActions.KeyCreated], audit.Select(e => e.Action));
    }

    [Fact]
    public async Task Update_ValuesAlreadyStored_WritesNoRowNoAuditNoChange()
    {
        var store = await OpenAsync();
        var spec = StoreHarness.Spec("same", expiresAt: Start.AddDays(3)) with { Tier = "pro", RateLimit = new RateLimitOverride(5, 1), AllowedIps = ["10.0.0.0/8", "127.0.0.1"] };
        var issued = await store.MintAsync(spec, Ct);
        var before = await store.Feed.GetLatestSequenceAsync(Ct);
        var same = new KeyUpdate
        {
            Name = new(true, "same"),
            Scopes = new(true, [.. issued.Key.Scopes.Reverse()]),
            Tier = new(true, "pro"),
            RateLimit = new(true, new RateLimitOverride(5, 1)),
            Quota = new(true, null),
            AllowedIps = new(true, ["127.0.0.1", "10.0.0.0/8"]),
            ExpiresAt = new(true, Start.AddDays(3)),
            Enabled = new(true, true),
        };

        var outcome = await store.Mutations.UpdateAsync(issued.Key.Id, same, Operator, Ct);

        Assert.Equal(UpdateKeyStatus.Updated, outcome.Status);
        Assert.Equal(before, await store.Feed.GetLatestSequenceAsync(Ct));
        Assert.Equal([AuditActions.KeyCreated], (await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, null, 10, 0), Ct)).Items.Select(e => e.Action));
    }

    [Fact]
    public async Task Update_DisabledKey_OtherFieldsChangeButARevokedOneIsNotReEnabled()
    {
        var store = await OpenAsync();
        var issued = await store.MintAsync(StoreHarness.Spec(), Ct);
        await store.Mutations.UpdateAsync(issued.Key.Id, new KeyUpdate { Enabled = new(true, false) }, Operator, Ct);

        var renamed = await store.Mutations.UpdateAsync(issued.Key.Id, new KeyUpdate { Name = new(true, "paused") }, Operator, Ct);
        await store.Mutations.RevokeAsync(issued.Key.Id, Operator, Ct);
        var reEnabled = await store.Mutations.UpdateAsync(issued.Key.Id, new KeyUpdate { Enabled = new(true, true) }, Operator, Ct);

        Assert.Equal((UpdateKeyStatus.Updated, "paused", KeyStatus.Disabled), (renamed.Status, renamed.Key!.Name, renamed.Key.StatusAt(Clock.GetUtcNow())));
        Assert.Equal(UpdateKeyStatus.NotActive, reEnabled.Status);
        var stored = (await store.Keys.GetAsync(issued.Key.Id, Ct))!;
        Assert.Equal((KeyStatus.Revoked, (DateTimeOffset?)Start), (stored.StatusAt(Clock.GetUtcNow()), stored.DisabledAt));
    }

    [Fact]
    public async Task Revoke_Twice_KeepsFirstRevocationAndWritesOneEvent()
    {
        var store = await OpenAsync();
        var issued = await store.MintAsync(StoreHarness.Spec(), Ct);

        var first = await store.Mutations.RevokeAsync(issued.Key.Id, Operator, Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await store.Mutations.RevokeAsync(issued.Key.Id, Operator, Ct);

        Assert.Equal(Start, first!.RevokedAt);
        Assert.Equal(Start, second!.RevokedAt);
        Assert.Equal(Start, (await store.Keys.GetAsync(issued.Key.Id, Ct))!.RevokedAt);
        Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, AuditActions.KeyRevoked, 10, 0), Ct)).Items);
    }

    [Fact]
    public async Task Revoke_UnknownId_ReturnsNull()
    {
        var store = await OpenAsync();

        Assert.Null(await store.Mutations.RevokeAsync("key_missing", Operator, Ct));
    }

    // ---- keys: imports ----

    private static KeyImport Imported(string plaintext, string? owner = null, string name = "imported") =>
        new(new KeyHasher(null).Hash(plaintext), plaintext[..8], StoreHarness.Spec(name, owner: owner));

    [Fact]
    public async Task Import_Keys_StoredUnderTheirSha256WithFeedRowsAndKeyImportedEvents()
    {
        var store = await OpenAsync();
        var before = await store.Feed.GetLatestSequenceAsync(Ct);

        var result = await store.Mutations.ImportAsync([Imported("sk_live_first_token"), Imported("sk_live_second_token", owner: "alice")], Operator, Ct);

        Assert.Equal(ImportKeysStatus.Imported, result.Status);
        Assert.Equal(2, result.Keys.Count);
        var found = await store.Keys.FindByHashAsync(new KeyHasher(null).Hash("sk_live_second_token"), Ct);
        Assert.Equal((result.Keys[1].Id, "sk_live_", "alice", Operator.Id), (found!.Id, found.Prefix, found.Owner, found.CreatedBy));
        Assert.NotEqual(result.Keys[0].LineageId, result.Keys[1].LineageId);
        Assert.Equal(result.Keys.Select(k => k.Id), (await store.Feed.ReadAsync(before, 100, Ct)).Select(c => c.KeyId));
        var audit = (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyImported, 10, 0), Ct)).Items;
        Assert.Equal(result.Keys.Select(k => k.Id).Reverse(), audit.Select(e => e.KeyId));
        Assert.All(audit, e => Assert.DoesNotContain("sk_live_first", e.Details ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_AHashStoredAlreadyOrRepeated_NothingStoredAndTheIndexNamed()
    {
        var store = await OpenAsync();
        await store.Mutations.ImportAsync([Imported("sk_live_stored_token")], Operator, Ct);
        var before = await store.Feed.GetLatestSequenceAsync(Ct);

        var present = await store.Mutations.ImportAsync([Imported("sk_live_fresh_token"), Imported("sk_live_stored_token")], Operator, Ct);
        var repeated = await store.Mutations.ImportAsync([Imported("sk_live_fresh_token"), Imported("sk_live_fresh_token")], Operator, Ct);

        Assert.Equal((ImportKeysStatus.HashExists, 1), (present.Status, present.Index));
        Assert.Equal((ImportKeysStatus.DuplicateInImport, 1), (repeated.Status, repeated.Index));
        Assert.Null(await store.Keys.FindByHashAsync(new KeyHasher(null).Hash("sk_live_fresh_token"), Ct));
        Assert.Equal(before, await store.Feed.GetLatestSequenceAsync(Ct));
        Assert.Equal(1, (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyImported, 10, 0), Ct)).Total);
    }

    [Fact]
    public async Task Import_OwnerCap_CountsStoredKeysAndTheImportsOwnAndStoresNothingOver()
    {
        var store = await OpenAsync(maxActivePerOwner: 3);
        await store.MintAsync(StoreHarness.Spec(owner: "bob"), Ct);

        var over = await store.Mutations.ImportAsync(
            [Imported("sk_live_bob_one_token", "bob"), Imported("sk_live_carol_token", "carol"), Imported("sk_live_bob_two_token", "bob"), Imported("sk_live_bob_three_tok", "bob")], Operator, Ct);
        var fits = await store.Mutations.ImportAsync([Imported("sk_live_bob_one_token", "bob"), Imported("sk_live_bob_two_token", "bob")], Operator, Ct);

        Assert.Equal((ImportKeysStatus.OwnerLimitReached, 3), (over.Status, over.Index));
        Assert.Equal(ImportKeysStatus.Imported, fits.Status);
        Assert.Equal(3, (await store.Keys.ListAsync(new KeyQuery(null, "bob", null, 10, 0), Ct)).Total);
        Assert.Equal(0, (await store.Keys.ListAsync(new KeyQuery(null, "carol", null, 10, 0), Ct)).Total);
    }

    [Fact]
    public async Task Import_OneHashImportedWhileAnotherImportOfItIsUncommitted_TheSecondIsToldNotBroken()
    {
        var store = await OpenAsync();
        var pausing = new PausingHook();
        WaitingDialect? waiting = null;
        var second = store.MutationsWith([], d => waiting = new WaitingDialect(d, waitsAtBegin: Provider == "sqlite"));

        // The first import has written the contested hash and holds its transaction open.
        var first = store.MutationsWith([pausing]).ImportAsync([Imported("sk_live_contested_tok")], Operator, Ct);
        await pausing.Reached.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        // The second checks for stored hashes before the first commits, unless something makes it wait for the first.
        // (on a thread of its own: SQLite's begin blocks its caller while it waits for the write lock)
        var racing = Task.Run(() => second.ImportAsync([Imported("sk_live_racer_token_1"), Imported("sk_live_contested_tok")], Operator, Ct), Ct);
        await waiting!.Waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        pausing.Release();

        Assert.Equal(ImportKeysStatus.Imported, (await first).Status);
        var told = await racing; // without the import lock: a unique-index violation from the database instead
        Assert.Equal((ImportKeysStatus.HashExists, 1), (told.Status, told.Index));
        Assert.Equal(1, (await store.Keys.ListAsync(new KeyQuery(null, null, null, 10, 0), Ct)).Total);
    }

    // ---- keys: leaks ----

    [Fact]
    public async Task ReportLeak_LiveKey_RevokedWithTheLeakAuditAndAChangeRow()
    {
        var store = await OpenAsync();
        var issued = await store.MintAsync(StoreHarness.Spec(), Ct);
        var hash = store.Hasher.Hash(issued.Plaintext);
        var before = await store.Feed.GetLatestSequenceAsync(Ct);
        var reportedAt = Clock.GetUtcNow();

        var (result, key) = await store.Mutations.ReportLeakAsync(hash, LeakAction.Revoke, new LeakReport("scanner", "https://example.com/a"), Operator, Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var (again, _) = await store.Mutations.ReportLeakAsync(hash, LeakAction.Revoke, new LeakReport("github", null), Operator, Ct);

        Assert.Equal(LeakResult.Revoked, result);
        Assert.Equal(LeakResult.AlreadyRevoked, again);
        var read = (await store.Keys.GetAsync(issued.Key.Id, Ct))!;
        Assert.Equal(reportedAt, read.RevokedAt);
        Assert.Equal(reportedAt, read.LeakedAt);   // the first report's time stays
        Assert.Equal("github", read.LeakSource);
        Assert.Equal(key!.Id, read.Id);
        Assert.Contains(await store.Feed.ReadAsync(before, 100, Ct), c => c.KeyId == issued.Key.Id);
        var audit = await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, AuditActions.KeyLeaked, 10, 0), Ct);
        Assert.Equal(2, audit.Total);
        Assert.Contains("\"result\":\"revoked\"", audit.Items[1].Details, StringComparison.Ordinal);
        Assert.DoesNotContain(issued.Plaintext, audit.Items[1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportLeak_FlagOrUnknown_KeyStaysActiveAndUnknownWritesNothing()
    {
        var store = await OpenAsync();
        var issued = await store.MintAsync(StoreHarness.Spec(), Ct);

        var (flagged, _) = await store.Mutations.ReportLeakAsync(store.Hasher.Hash(issued.Plaintext), LeakAction.Flag, new LeakReport(null, null), Operator, Ct);
        var (unknown, none) = await store.Mutations.ReportLeakAsync(store.Hasher.Hash("agw_live_unknown"), LeakAction.Revoke, new LeakReport(null, null), Operator, Ct);

        Assert.Equal(LeakResult.Flagged, flagged);
        Assert.Equal(LeakResult.Unknown, unknown);
        Assert.Null(none);
        var read = (await store.Keys.GetAsync(issued.Key.Id, Ct))!;
        Assert.Equal(KeyStatus.Active, read.StatusAt(Clock.GetUtcNow()));
        Assert.Equal(Clock.GetUtcNow(), read.LeakedAt);
        Assert.Equal(1, (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyLeaked, 10, 0), Ct)).Total);
    }

    // ---- keys: rotate ----

    [Fact]
    public async Task Rotate_WithoutGrace_RevokesOldAndSuccessorSharesLineage()
    {
        var store = await OpenAsync();
        var old = await store.MintAsync(StoreHarness.Spec(owner: "alice"), Ct);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.Zero, expiresAt: null, Operator, Ct);

        Assert.Equal(RotateKeyStatus.Rotated, result.Status);
        var successor = (await store.Keys.GetAsync(result.Successor!.Key.Id, Ct))!;
        var predecessor = (await store.Keys.GetAsync(old.Key.Id, Ct))!;
        Assert.Equal(old.Key.LineageId, successor.LineageId);
        Assert.Equal(old.Key.Id, successor.RotatedFrom);
        Assert.Equal(successor.Id, predecessor.RotatedTo);
        Assert.Equal(Clock.GetUtcNow(), predecessor.RevokedAt);
        Assert.Equal(KeyStatus.Active, successor.StatusAt(Clock.GetUtcNow()));
        Assert.Equal(successor.Id, (await store.Keys.FindByHashAsync(store.Hasher.Hash(result.Successor.Plaintext), Ct))?.Id);
        var actions = (await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct)).Items.Select(e => (e.Action, e.KeyId));
        Assert.Equal([(AuditActions.KeyCreated, successor.Id), (AuditActions.KeyRotated, old.Key.Id), (AuditActions.KeyCreated, old.Key.Id)], actions);
    }

    [Fact]
    public async Task Rotate_WithGrace_OldKeyExpiresWhenGraceEnds()
    {
        var store = await OpenAsync();
        var old = await store.MintAsync(StoreHarness.Spec(), Ct);

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.FromHours(1), expiresAt: null, Operator, Ct);
        var predecessor = (await store.Keys.GetAsync(old.Key.Id, Ct))!;

        Assert.Equal(RotateKeyStatus.Rotated, result.Status);
        Assert.Null(predecessor.RevokedAt);
        Assert.Equal(Start.AddHours(1), predecessor.ExpiresAt);
        Assert.Equal(KeyStatus.Active, predecessor.StatusAt(Clock.GetUtcNow()));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(KeyStatus.Expired, predecessor.StatusAt(Clock.GetUtcNow()));
    }

    [Fact]
    public async Task Rotate_WithGraceLongerThanRemainingLife_KeepsEarlierExpiryAndCopiesLifetime()
    {
        var store = await OpenAsync();
        var old = await store.MintAsync(StoreHarness.Spec(expiresAt: Start.AddMinutes(30)), Ct);

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.FromHours(1), expiresAt: null, Operator, Ct);

        Assert.Equal(Start.AddMinutes(30), (await store.Keys.GetAsync(old.Key.Id, Ct))!.ExpiresAt);
        Assert.Equal(Start.AddMinutes(30), (await store.Keys.GetAsync(result.Successor!.Key.Id, Ct))!.ExpiresAt);
    }

    [Fact]
    public async Task Rotate_RevokedOrAlreadyRotatedKey_IsNotRotatable()
    {
        var store = await OpenAsync();
        var revoked = await store.MintAsync(StoreHarness.Spec(), Ct);
        await store.Mutations.RevokeAsync(revoked.Key.Id, Operator, Ct);
        var rotated = await store.MintAsync(StoreHarness.Spec(), Ct);
        await store.Mutations.RotateAsync(rotated.Key.Id, TimeSpan.FromHours(1), null, Operator, Ct);

        Assert.Equal(RotateKeyStatus.NotRotatable, (await store.Mutations.RotateAsync(revoked.Key.Id, TimeSpan.Zero, null, Operator, Ct)).Status);
        Assert.Equal(RotateKeyStatus.NotRotatable, (await store.Mutations.RotateAsync(rotated.Key.Id, TimeSpan.Zero, null, Operator, Ct)).Status);
        Assert.Equal(RotateKeyStatus.NotFound, (await store.Mutations.RotateAsync("key_missing", TimeSpan.Zero, null, Operator, Ct)).Status);
    }

    [Fact]
    public async Task Rotate_ConcurrentlyFromTwoProcesses_ExactlyOneSucceeds()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var old = await first.MintAsync(StoreHarness.Spec(), Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? first : second).Mutations.RotateAsync(old.Key.Id, TimeSpan.FromMinutes(10), null, Operator, Ct)));

        Assert.Single(results, r => r.Status == RotateKeyStatus.Rotated);
        Assert.Equal(7, results.Count(r => r.Status == RotateKeyStatus.NotRotatable));
        Assert.Equal(2, (await first.Keys.ListAsync(new KeyQuery(null, null, null, 100, 0), Ct)).Total);
    }

    // ---- audit ----

    [Fact]
    public async Task ListAudit_FiltersAndPages_NewestFirstWithoutSecrets()
    {
        var store = await OpenAsync();
        var a = await store.MintAsync(StoreHarness.Spec("a"), Ct);
        var b = await store.MintAsync(StoreHarness.Spec("b"), Ct);
        await store.Mutations.RevokeAsync(a.Key.Id, Operator, Ct);

        var all = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 2, 0), Ct);
        var rest = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 2, 2), Ct);
        var forA = await store.Keys.ListAuditAsync(new AuditQuery(a.Key.Id, null, 10, 0), Ct);
        var created = await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyCreated, 10, 0), Ct);

        Assert.Equal(3, all.Total);
        Assert.Equal([(AuditActions.KeyRevoked, a.Key.Id), (AuditActions.KeyCreated, b.Key.Id)], all.Items.Select(e => (e.Action, e.KeyId)));
        Assert.Equal([a.Key.Id], rest.Items.Select(e => e.KeyId));
        Assert.Equal([AuditActions.KeyRevoked, AuditActions.KeyCreated], forA.Items.Select(e => e.Action));
        Assert.Equal(2, created.Total);
        Assert.All(all.Items.Concat(rest.Items), e =>
        {
            Assert.Equal(Operator, e.Actor);
            Assert.Equal(Start, e.At);
            Assert.True(e.Id > 0);
        });
        Assert.True(all.Items[0].Id > all.Items[1].Id);
        foreach (var issued in new[] { a, b })
        {
            var hashHex = Convert.ToHexString(issued.Key is not null ? store.Hasher.Hash(issued.Plaintext).ToArray() : []);
            Assert.All(forA.Items.Concat(created.Items), e =>
            {
                Assert.DoesNotContain(issued.Plaintext, e.Details ?? "", StringComparison.Ordinal);
                Assert.DoesNotContain(hashHex, e.Details ?? "", StringComparison.OrdinalIgnoreCase);
            });
        }
    }

    [Fact]
    public async Task ListAudit_BeforeId_PagesOlderEventsToTheEnd()
    {
        var store = await OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            await store.MintAsync(StoreHarness.Spec($"k{i}"), Ct);
        }

        var first = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 2, 0), Ct);
        var second = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 2, 0) { BeforeId = first.NextBeforeId }, Ct);
        var last = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 2, 0) { BeforeId = second.NextBeforeId }, Ct);

        var ids = first.Items.Concat(second.Items).Concat(last.Items).Select(e => e.Id).ToArray();
        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal(first.Items[^1].Id, first.NextBeforeId);
        Assert.Null(last.NextBeforeId);
        Assert.Equal(5, last.Total);
    }

    // ---- admin credentials ----

    [Fact]
    public async Task AdminCredential_CreateFindListRevoke_FollowsTheContract()
    {
        var store = await OpenAsync();
        var owner = await store.Mutations.CreateAdminAsync("alice", AdminRole.Owner, Operator, Ct);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var admin = await store.Mutations.CreateAdminAsync("bob", AdminRole.Admin, Operator, Ct);

        var found = await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(admin.Plaintext), Ct);
        Assert.Equal(admin.Credential, found);
        Assert.Equal([owner.Credential, admin.Credential], await store.Admins.ListAsync(Ct));

        var revoked = (await store.Mutations.RevokeAdminAsync(admin.Credential.Id, Operator, Ct)).Credential;
        Clock.Advance(TimeSpan.FromSeconds(1));
        var again = (await store.Mutations.RevokeAdminAsync(admin.Credential.Id, Operator, Ct)).Credential;

        Assert.Equal(Start.AddSeconds(1), revoked!.RevokedAt);
        Assert.Equal(Start.AddSeconds(1), again!.RevokedAt);
        Assert.Null(await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(admin.Plaintext), Ct));
        Assert.Equal(new RevokeAdminOutcome(RevokeAdminStatus.NotFound, null), await store.Mutations.RevokeAdminAsync("adm_missing", Operator, Ct));
        Assert.Equal(2, (await store.Admins.ListAsync(Ct)).Count);
        var audit = (await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct)).Items;
        Assert.Equal([AuditActions.AdminRevoked, AuditActions.AdminCreated, AuditActions.AdminCreated], audit.Select(e => e.Action));
        Assert.All(audit, e => Assert.DoesNotContain(admin.Plaintext, e.Details ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdminList_ManyMadeWithinOneMillisecond_BootstrapOwnerFirstThenCreationOrder()
    {
        var store = await OpenAsync();
        var bootstrap = await store.Mutations.BootstrapAsync(null, Ct);
        var created = new List<string> { bootstrap!.Credential.Id };
        for (var i = 0; i < 20; i++)
        {
            created.Add((await store.Mutations.CreateAdminAsync($"c{i}", i % 2 == 0 ? AdminRole.Admin : AdminRole.Owner, Operator, Ct)).Credential.Id);
        }

        // The clock never moved: every created_at is equal, and ids are random, so only the creation order can decide.
        Assert.Equal(created, (await store.Admins.ListAsync(Ct)).Select(c => c.Id));
    }

    [Fact]
    public async Task RecordFailedSignIn_AppendsAnAnonymousEventWithOnlyItsFields()
    {
        var store = await OpenAsync();

        await store.Admins.RecordFailedSignInAsync(new FailedSignIn("console", "192.0.2.1", null, null), Ct);
        await store.Admins.RecordFailedSignInAsync(new FailedSignIn("api", "2001:db8::1", "adm_abc", "ip,prefix"), Ct);

        var audit = (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminSignInFailed, 10, 0), Ct)).Items;
        Assert.Equal(2, audit.Count);
        Assert.All(audit, e => Assert.Equal(Actor.Anonymous, e.Actor));
        Assert.Equal("""{"via":"api","clientIp":"2001:db8::1","adminId":"adm_abc","limitReached":"ip,prefix"}""", audit[0].Details);
        Assert.Equal("""{"via":"console","clientIp":"192.0.2.1"}""", audit[1].Details);
        Assert.Equal(Clock.GetUtcNow(), audit[0].At);
    }

    [Fact]
    public async Task AdminRevoke_LastActiveOwner_IsRefusedByTheStore()
    {
        var store = await OpenAsync();
        var owner = await store.Mutations.CreateAdminAsync("alice", AdminRole.Owner, Operator, Ct);
        var admin = await store.Mutations.CreateAdminAsync("bob", AdminRole.Admin, Operator, Ct);

        var refused = await store.Mutations.RevokeAdminAsync(owner.Credential.Id, Operator, Ct);
        var adminRevoked = await store.Mutations.RevokeAdminAsync(admin.Credential.Id, Operator, Ct);

        Assert.Equal(RevokeAdminStatus.LastOwner, refused.Status);
        Assert.True(refused.Credential!.IsActive);
        Assert.NotNull(await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(owner.Plaintext), Ct));
        Assert.Equal(RevokeAdminStatus.Revoked, adminRevoked.Status);
        Assert.Equal([AuditActions.AdminRevoked], (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminRevoked, 10, 0), Ct)).Items.Select(e => e.Action));
    }

    [Fact]
    public async Task AdminRevoke_TwoOwnersRevokeEachOtherFromTwoProcesses_OneOwnerStays()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var alice = await first.Mutations.CreateAdminAsync("alice", AdminRole.Owner, Operator, Ct);
        var bob = await first.Mutations.CreateAdminAsync("bob", AdminRole.Owner, Operator, Ct);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each would pass a check made before its write: both see two active owners.
        var revokes = new[] { (first, bob), (second, alice) }.Select(p => Task.Run(async () =>
        {
            await gate.Task;
            return await p.Item1.Mutations.RevokeAdminAsync(p.Item2.Credential.Id, new Actor(p.Item2.Credential.Id, p.Item2.Credential.Name), Ct);
        }, Ct)).ToArray();
        gate.SetResult();
        var outcomes = await Task.WhenAll(revokes);

        Assert.Equal([RevokeAdminStatus.Revoked, RevokeAdminStatus.LastOwner], outcomes.Select(o => o.Status).Order());
        Assert.Single(await first.Admins.ListAsync(Ct), c => c.IsActive && c.Role == AdminRole.Owner);
    }

    [Fact]
    public async Task AdminRevoke_LastTwoOwnersRevokedAtOnce_SecondChecksAfterFirstCommitsAndIsRefused()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var alice = await first.Mutations.CreateAdminAsync("alice", AdminRole.Owner, Operator, Ct);
        var bob = await first.Mutations.CreateAdminAsync("bob", AdminRole.Owner, Operator, Ct);
        var paused = new PausingHook();
        SignallingDialect? secondDialect = null;
        var revokesBob = first.MutationsWith([paused]);
        var revokesAlice = second.MutationsWith([], d => secondDialect = new SignallingDialect(d));

        // Alice revokes bob: checked (alice stays) and written, then held before commit with its locks.
        var bobGoes = revokesBob.RevokeAdminAsync(bob.Credential.Id, new Actor(alice.Credential.Id, "alice"), Ct);
        await paused.Reached.WaitAsync(Ct);
        // Bob revokes alice meanwhile, from another process. A check made before bob's revocation commits would see two
        // owners and let this pass too; it must wait for the lock and see bob gone.
        var aliceGoes = Task.Run(() => revokesAlice.RevokeAdminAsync(alice.Credential.Id, new Actor(bob.Credential.Id, "bob"), Ct), Ct);
        await secondDialect!.BeginningWrite.WaitAsync(Ct);
        await WaitForBlockedWriterAsync();
        paused.Release();

        Assert.Equal(RevokeAdminStatus.Revoked, (await bobGoes).Status);
        Assert.Equal(RevokeAdminStatus.LastOwner, (await aliceGoes).Status);
        Assert.Equal([alice.Credential.Id], (await first.Admins.ListAsync(Ct)).Where(c => c.IsActive && c.Role == AdminRole.Owner).Select(c => c.Id));
        Assert.Single((await first.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminRevoked, 10, 0), Ct)).Items);
    }

    [Fact]
    public async Task Bootstrap_WhenACredentialExists_ReturnsNull()
    {
        var store = await OpenAsync();

        var first = await store.Mutations.BootstrapAsync("agw_admin_configured-secret", Ct);
        var second = await store.Mutations.BootstrapAsync(null, Ct);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(AdminRole.Owner, (await store.Admins.FindActiveByHashAsync(store.Hasher.Hash("agw_admin_configured-secret"), Ct))?.Role);
        Assert.Equal(AuditActions.AdminBootstrapped, Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct)).Items).Action);
    }

    [Fact]
    public async Task Bootstrap_ManyProcessesAtOnce_CreatesExactlyOneOwner()
    {
        var processes = new List<StoreHarness>();
        for (var i = 0; i < 4; i++)
        {
            processes.Add(await OpenAsync());
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => processes[i % processes.Count].Mutations.BootstrapAsync(null, Ct)));

        Assert.Single(results, r => r is not null);
        Assert.Single(await processes[0].Admins.ListAsync(Ct));
    }

    // ---- change feed ----

    [Fact]
    public async Task Feed_NothingChanged_IsEmptyAtZero()
    {
        var store = await OpenAsync();

        Assert.Equal(0, await store.Feed.GetLatestSequenceAsync(Ct));
        Assert.Empty(await store.Feed.ReadAsync(0, 100, Ct));
    }

    [Fact]
    public async Task Feed_EveryKeyMutation_AppendsInOrderAndPages()
    {
        var store = await OpenAsync();
        var a = await store.MintAsync(StoreHarness.Spec("a"), Ct);
        var b = await store.MintAsync(StoreHarness.Spec("b"), Ct);
        await store.Mutations.UpdateAsync(a.Key.Id, new KeyUpdate { Name = new(true, "a2") }, Operator, Ct);
        await store.Mutations.RevokeAsync(b.Key.Id, Operator, Ct);
        var rotated = await store.Mutations.RotateAsync(a.Key.Id, TimeSpan.Zero, null, Operator, Ct);

        var all = await store.Feed.ReadAsync(0, 100, Ct);

        Assert.Equal([a.Key.Id, b.Key.Id, a.Key.Id, b.Key.Id, rotated.Successor!.Key.Id, a.Key.Id], all.Select(c => c.KeyId));
        Assert.Equal(all.Select(c => c.Sequence).Order(), all.Select(c => c.Sequence));
        Assert.Equal(all[^1].Sequence, await store.Feed.GetLatestSequenceAsync(Ct));
        Assert.Equal(all.Skip(2).Take(2), await store.Feed.ReadAsync(all[1].Sequence, 2, Ct));
        Assert.Empty(await store.Feed.ReadAsync(all[^1].Sequence, 100, Ct));
    }

    [Fact]
    public async Task Feed_ConcurrentWritersFromTwoProcesses_PollerSeesEveryChange()
    {
        var writerA = await OpenAsync();
        var writerB = await OpenAsync();
        var poller = await OpenAsync();
        var seen = new List<KeyChange>();
        using var done = new CancellationTokenSource();

        // A gateway polls "after the last sequence I saw" while two admin processes write; commit order must match
        // sequence order, or a change that commits late behind a higher sequence would be skipped for ever.
        var polling = Task.Run(async () =>
        {
            long cursor = 0;
            while (true)
            {
                var finished = done.IsCancellationRequested;
                var batch = await poller.Feed.ReadAsync(cursor, 1000, Ct);
                seen.AddRange(batch);
                cursor = batch.Count > 0 ? batch[^1].Sequence : cursor;
                if (finished && batch.Count == 0)
                {
                    return;
                }
            }
        }, Ct);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var writer = i % 2 == 0 ? writerA : writerB;
            var issued = await writer.MintAsync(StoreHarness.Spec($"k{i}"), Ct);
            await writer.Mutations.UpdateAsync(issued.Key.Id, new KeyUpdate { Name = new(true, $"k{i}'") }, Operator, Ct);
            await writer.Mutations.RevokeAsync(issued.Key.Id, Operator, Ct);
        }));
        await done.CancelAsync();
        await polling;

        var everything = await poller.Feed.ReadAsync(0, 10_000, Ct);
        Assert.Equal(120, everything.Count);
        Assert.Equal(everything, seen);
    }

    // ---- usage and quotas ----

    // ---- shadow routes decisions ----

    [Fact]
    public async Task ShadowDecisions_BatchesFromTwoGateways_AddUpPerRouteKeyOutcomeWithKeyNameAndWorkspace()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var a = (await first.MintAsync(StoreHarness.Spec("reporting job", "ws_a"), Ct)).Key;
        var b = (await first.MintAsync(StoreHarness.Spec("mobile app", "ws_b"), Ct)).Key;
        var hour = UsageHours.Start(Start);

        await first.ShadowDecisions.RecordAsync(
        [
            new("contacts", a.Id, ShadowOutcomeNames.WouldRefuse, hour, 2, Start.AddMinutes(10)),
            new("contacts", a.Id, ShadowOutcomeNames.WouldRefuse, hour, 3, Start.AddMinutes(20)),
            new("contacts", b.Id, ShadowOutcomeNames.WouldRefuse, hour, 1, Start.AddMinutes(5)),
            new("reports", b.Id, ShadowOutcomeNames.WouldAllow, hour.AddHours(1), 4, Start.AddMinutes(70)),
        ], Ct);
        await Task.WhenAll(
            second.ShadowDecisions.RecordAsync([new("contacts", a.Id, ShadowOutcomeNames.WouldRefuse, hour, 5, Start.AddMinutes(15))], Ct),
            first.ShadowDecisions.RecordAsync([new("contacts", "key_deleted", ShadowOutcomeNames.WouldRefuse, hour, 1, Start.AddMinutes(1))], Ct));
        await first.ShadowDecisions.RecordAsync([], Ct);

        var listed = await second.ShadowDecisions.ListAsync(new ShadowDecisionQuery(null, null, Start, 100), Ct);

        Assert.Equal(
        [
            new ShadowDecisionSummary("contacts", ShadowOutcomeNames.WouldRefuse, a.Id, "reporting job", "ws_a", 10, Start.AddMinutes(20)),
            new ShadowDecisionSummary("contacts", ShadowOutcomeNames.WouldRefuse, b.Id, "mobile app", "ws_b", 1, Start.AddMinutes(5)),
            new ShadowDecisionSummary("contacts", ShadowOutcomeNames.WouldRefuse, "key_deleted", null, null, 1, Start.AddMinutes(1)),
            new ShadowDecisionSummary("reports", ShadowOutcomeNames.WouldAllow, b.Id, "mobile app", "ws_b", 4, Start.AddMinutes(70)),
        ], listed);
    }

    [Fact]
    public async Task ShadowDecisions_List_FiltersByRouteOutcomeAndSinceAndPrunesOldHours()
    {
        var store = await OpenAsync();
        var key = (await store.MintAsync(StoreHarness.Spec(), Ct)).Key;
        var hour = UsageHours.Start(Start);
        await store.ShadowDecisions.RecordAsync(
        [
            new("contacts", key.Id, ShadowOutcomeNames.WouldRefuse, hour, 1, Start.AddMinutes(5)),
            new("contacts", key.Id, ShadowOutcomeNames.WouldAllow, hour.AddHours(2), 2, Start.AddMinutes(125)),
            new("reports", key.Id, ShadowOutcomeNames.WouldRefuse, hour.AddHours(2), 3, Start.AddMinutes(130)),
        ], Ct);

        async Task<string[]> ListAsync(string? route, string? outcome, DateTimeOffset since, int limit = 100) =>
            [.. (await store.ShadowDecisions.ListAsync(new ShadowDecisionQuery(route, outcome, since, limit), Ct)).Select(s => $"{s.Route}|{s.Outcome}|{s.Count}")];

        Assert.Equal(["contacts|would_allow|2", "contacts|would_refuse|1", "reports|would_refuse|3"], await ListAsync(null, null, Start));
        Assert.Equal(["contacts|would_allow|2", "contacts|would_refuse|1"], await ListAsync("contacts", null, Start));
        Assert.Equal(["contacts|would_refuse|1", "reports|would_refuse|3"], await ListAsync(null, ShadowOutcomeNames.WouldRefuse, Start));
        Assert.Equal(["contacts|would_allow|2", "reports|would_refuse|3"], await ListAsync(null, null, Start.AddMinutes(6)));
        Assert.Equal(["contacts|would_allow|2"], await ListAsync(null, null, Start, limit: 1));
        Assert.Empty(await ListAsync("invoices", null, Start));

        Assert.Equal(1, await store.ShadowDecisions.PruneAsync(Start.AddHours(1), Ct));
        Assert.Equal(["contacts|would_allow|2", "reports|would_refuse|3"], await ListAsync(null, null, Start));
    }

    [Fact]
    public async Task Usage_RecordedInHours_SumsOverTrailingWindows()
    {
        var store = await OpenAsync();
        var key = (await store.MintAsync(StoreHarness.Spec(), Ct)).Key;
        var now = Start.AddDays(40).AddMinutes(30);
        var hour = UsageHours.Start(now);

        await store.Usage.RecordUsageAsync(
        [
            new(key.Id, hour, 1, now),
            new(key.Id, hour.AddHours(-23), 2, now),
            new(key.Id, hour.AddHours(-24), 4, now),
            new(key.Id, hour.AddDays(-6).AddHours(-23), 8, now),
            new(key.Id, hour.AddDays(-7), 16, now),
            new(key.Id, hour.AddDays(-29).AddHours(-23), 32, now),
            new(key.Id, hour.AddDays(-30), 64, now),
        ], Ct);
        var usage = await store.Usage.GetUsageAsync([key.Id, "key_unused"], now, Ct);

        Assert.Equal(new KeyUsage(3, 15, 63), usage[key.Id]);
        Assert.False(usage.ContainsKey("key_unused"));
        Assert.Empty(await store.Usage.GetUsageAsync([], now, Ct));
    }

    [Fact]
    public async Task Usage_RepeatedBatches_AddUpAndLastUsedOnlyMovesForward()
    {
        var store = await OpenAsync();
        var a = (await store.MintAsync(StoreHarness.Spec("a"), Ct)).Key;
        var b = (await store.MintAsync(StoreHarness.Spec("b"), Ct)).Key;
        var hour = UsageHours.Start(Start);

        await store.Usage.RecordUsageAsync([new(a.Id, hour, 2, Start.AddMinutes(10)), new(a.Id, hour, 3, Start.AddMinutes(20)), new(b.Id, hour, 1, Start.AddMinutes(5))], Ct);
        await store.Usage.RecordUsageAsync([new(a.Id, hour, 5, Start.AddMinutes(15)), new("key_deleted_or_unknown", hour, 1, Start)], Ct);
        await store.Usage.RecordUsageAsync([], Ct);
        var usage = await store.Usage.GetUsageAsync([a.Id, b.Id], Start.AddMinutes(30), Ct);

        Assert.Equal(new KeyUsage(10, 10, 10), usage[a.Id]);
        Assert.Equal(new KeyUsage(1, 1, 1), usage[b.Id]);
        Assert.Equal(Start.AddMinutes(20), (await store.Keys.GetAsync(a.Id, Ct))!.LastUsedAt);
        Assert.Equal(Start.AddMinutes(5), (await store.Keys.GetAsync(b.Id, Ct))!.LastUsedAt);
    }

    [Fact]
    public async Task Usage_ConcurrentBatchesFromSeveralGateways_AllCountWithoutDeadlock()
    {
        var gateways = new List<StoreHarness>();
        for (var i = 0; i < 3; i++)
        {
            gateways.Add(await OpenAsync());
        }
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            keys.Add((await gateways[0].MintAsync(StoreHarness.Spec($"k{i}"), Ct)).Key.Id);
        }
        var hour = UsageHours.Start(Start);

        // Each batch touches every key, in a different order, as independent gateways would.
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
        {
            var order = i % 2 == 0 ? keys : Enumerable.Reverse(keys).ToList();
            return gateways[i % gateways.Count].Usage.RecordUsageAsync([.. order.Select(k => new UsageIncrement(k, hour, 1, Start.AddSeconds(i)))], Ct);
        }));
        var usage = await gateways[0].Usage.GetUsageAsync(keys, Start, Ct);

        Assert.All(keys, k => Assert.Equal(new KeyUsage(30, 30, 30), usage[k]));
        Assert.All(keys, k => Assert.Equal(Start.AddSeconds(29), gateways[1].Keys.GetAsync(k, Ct).Result!.LastUsedAt));
    }

    [Fact]
    public async Task Usage_Prune_DeletesHoursBeforeTheCutoffOnly()
    {
        var store = await OpenAsync();
        var key = (await store.MintAsync(StoreHarness.Spec(), Ct)).Key;
        var hour = UsageHours.Start(Start.AddDays(40));
        await store.Usage.RecordUsageAsync([new(key.Id, hour.AddDays(-31), 1, hour), new(key.Id, hour.AddDays(-30), 2, hour), new(key.Id, hour, 4, hour)], Ct);

        var pruned = await store.Usage.PruneUsageAsync(hour.AddDays(-30), Ct);

        Assert.Equal(1, pruned);
        Assert.Equal(0, await store.Usage.PruneUsageAsync(hour.AddDays(-30), Ct));
        Assert.Equal(new KeyUsage(4, 4, 4), (await store.Usage.GetUsageAsync([key.Id], hour, Ct))[key.Id]);
    }

    [Fact]
    public async Task Quota_AddedInBatches_SumsPerLineageAndPeriod()
    {
        var store = await OpenAsync();

        await store.Usage.AddQuotaUsageAsync([new("lin_a", "d:2026-01-01", 2), new("lin_a", "d:2026-01-01", 3), new("lin_a", "m:2026-01", 5), new("lin_b", "d:2026-01-01", 7)], Ct);
        await store.Usage.AddQuotaUsageAsync([new("lin_a", "d:2026-01-01", 1)], Ct);
        await store.Usage.AddQuotaUsageAsync([], Ct);
        var spent = await store.Usage.GetQuotaUsageAsync("lin_a", ["d:2026-01-01", "m:2026-01", "d:2026-01-02"], Ct);

        Assert.Equal(6, spent["d:2026-01-01"]);
        Assert.Equal(5, spent["m:2026-01"]);
        Assert.Equal(0, spent["d:2026-01-02"]);
        Assert.Equal(7, (await store.Usage.GetQuotaUsageAsync("lin_b", ["d:2026-01-01"], Ct))["d:2026-01-01"]);
        Assert.Empty(await store.Usage.GetQuotaUsageAsync("lin_a", [], Ct));
        Assert.Equal(0, (await store.Usage.GetQuotaUsageAsync("lin_never", ["m:2026-01"], Ct))["m:2026-01"]);
    }

    [Fact]
    public async Task Quota_ConcurrentBatches_AddUpExactly()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? first : second).Usage.AddQuotaUsageAsync([new("lin_a", "d:2026-01-01", 1), new("lin_a", "m:2026-01", 2)], Ct)));

        var spent = await first.Usage.GetQuotaUsageAsync("lin_a", ["d:2026-01-01", "m:2026-01"], Ct);
        Assert.Equal(20, spent["d:2026-01-01"]);
        Assert.Equal(40, spent["m:2026-01"]);
    }

    // ---- per-owner cap ----

    [Fact]
    public async Task Create_FiftyParallelForOneOwner_ExactlyCapSucceed()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            (i % 2 == 0 ? first : second).Mutations.CreateAsync(StoreHarness.Spec($"k{i}", owner: "alice"), Operator, Ct)));

        Assert.Equal(10, results.Count(r => r.Status == CreateKeyStatus.Created));
        Assert.Equal(40, results.Count(r => r.Status == CreateKeyStatus.OwnerLimitReached));
        Assert.Equal(10, (await first.Keys.ListAsync(new KeyQuery(null, "alice", KeyStatus.Active, 100, 0), Ct)).Total);
        Assert.Equal(10, (await first.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyCreated, 100, 0), Ct)).Total);
    }

    [Fact]
    public async Task Rotate_WithGraceAtTheCap_IsRefusedWithoutGraceAllowed()
    {
        var store = await OpenAsync(maxActivePerOwner: 2);
        var first = await store.MintAsync(StoreHarness.Spec(owner: "alice"), Ct);
        var second = await store.MintAsync(StoreHarness.Spec(owner: "alice"), Ct);

        var withGrace = await store.Mutations.RotateAsync(first.Key.Id, TimeSpan.FromHours(1), null, Operator, Ct);
        var withoutGrace = await store.Mutations.RotateAsync(second.Key.Id, TimeSpan.Zero, null, Operator, Ct);

        Assert.Equal(RotateKeyStatus.OwnerLimitReached, withGrace.Status);
        Assert.Null((await store.Keys.GetAsync(first.Key.Id, Ct))!.RotatedTo);
        Assert.Equal(RotateKeyStatus.Rotated, withoutGrace.Status);
        Assert.Equal(2, (await store.Keys.ListAsync(new KeyQuery(null, "alice", KeyStatus.Active, 100, 0), Ct)).Total);
    }

    [Fact]
    public async Task RotateWithGraceAndCreate_ConcurrentlyFromTwoProcesses_NeverExceedTheCap()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var held = new List<IssuedKey>();
        for (var i = 0; i < 6; i++)
        {
            held.Add(await first.MintAsync(StoreHarness.Spec($"k{i}", owner: "alice"), Ct));
        }

        // 6 active; 6 rotations with grace and 6 mints race for the 4 free places.
        var rotations = held.Select((k, i) => (i % 2 == 0 ? first : second).Mutations.RotateAsync(k.Key.Id, TimeSpan.FromHours(1), null, Operator, Ct));
        var mints = Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? second : first).Mutations.CreateAsync(StoreHarness.Spec($"m{i}", owner: "alice"), Operator, Ct));
        var rotating = Task.WhenAll(rotations);
        var creating = Task.WhenAll(mints);
        var rotated = await rotating;
        var created = await creating;

        var successes = rotated.Count(r => r.Status == RotateKeyStatus.Rotated) + created.Count(r => r.Status == CreateKeyStatus.Created);
        Assert.Equal(4, successes);
        Assert.Equal(10, (await first.Keys.ListAsync(new KeyQuery(null, "alice", KeyStatus.Active, 100, 0), Ct)).Total);
    }

    [Fact]
    public async Task Create_RevokedAndExpiredKeys_DoNotCountTowardsTheCap()
    {
        var store = await OpenAsync(maxActivePerOwner: 2);
        var revoked = await store.MintAsync(StoreHarness.Spec(owner: "alice"), Ct);
        await store.MintAsync(StoreHarness.Spec(owner: "alice", expiresAt: Start.AddMinutes(1)), Ct);
        Assert.Equal(CreateKeyStatus.OwnerLimitReached, (await store.Mutations.CreateAsync(StoreHarness.Spec(owner: "alice"), Operator, Ct)).Status);

        await store.Mutations.RevokeAsync(revoked.Key.Id, Operator, Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(CreateKeyStatus.Created, (await store.Mutations.CreateAsync(StoreHarness.Spec(owner: "alice"), Operator, Ct)).Status);
        Assert.Equal(CreateKeyStatus.Created, (await store.Mutations.CreateAsync(StoreHarness.Spec(owner: "alice"), Operator, Ct)).Status);
        Assert.Equal(CreateKeyStatus.OwnerLimitReached, (await store.Mutations.CreateAsync(StoreHarness.Spec(owner: "alice"), Operator, Ct)).Status);
        Assert.Equal(CreateKeyStatus.Created, (await store.Mutations.CreateAsync(StoreHarness.Spec(owner: "bob"), Operator, Ct)).Status);
        Assert.Equal(CreateKeyStatus.Created, (await store.Mutations.CreateAsync(StoreHarness.Spec(owner: null), Operator, Ct)).Status);
    }

    // ---- migrations ----

    [Fact]
    public async Task Migrate_RunAgain_ChangesNothingAndKeepsData()
    {
        var store = await OpenAsync();
        var issued = await store.MintAsync(StoreHarness.Spec(), Ct);

        var again = await store.Migrator.MigrateAsync(Ct);
        var later = await (await OpenAsync()).Migrator.MigrateAsync(Ct);

        Assert.True(again >= 1);
        Assert.Equal(again, later);
        Assert.NotNull(await store.Keys.GetAsync(issued.Key.Id, Ct));
    }

    [Fact]
    public async Task Migrate_SeveralProcessesStartTogether_AllSucceedOnOneSchema()
    {
        var processes = new List<StoreHarness>();
        for (var i = 0; i < 5; i++)
        {
            processes.Add(await OpenAsync(migrate: false));
        }

        var versions = await Task.WhenAll(processes.Select(p => p.Migrator.MigrateAsync(Ct)));

        Assert.Single(versions.Distinct());
        Assert.Equal(CreateKeyStatus.Created, (await processes[^1].Mutations.CreateAsync(StoreHarness.Spec(), Operator, Ct)).Status);
    }

    private static async Task<string[]> ListIdsAsync(StoreHarness store, KeyQuery query) =>
        [.. (await store.Keys.ListAsync(query, Ct)).Items.Select(k => k.Id).Order(StringComparer.Ordinal)];

    private static string[] IdsOf(params IssuedKey[] keys) => [.. keys.Select(k => k.Key.Id).Order(StringComparer.Ordinal)];
}
