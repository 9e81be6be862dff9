using System.Text;
using System.Text.Json;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

public sealed class SqliteKeyStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_ThenGetAsync_RoundTripsEveryField()
    {
        using var store = await TestStore.CreateAsync();
        var spec = new KeySpec("billing sync ✓", "ws_main", ["contacts:read", "invoices:write"], "alice", KeyMode.Test,
            TestStore.Start.AddDays(30), "gold", new RateLimitOverride(100, 60), new QuotaOverride(1000, null),
            ["10.0.0.0/8", "2001:db8::/32"], ["ws_other", "ws_third"]);

        var issued = (await store.Mutations.CreateAsync(spec, TestStore.Admin, Ct)).Issued!;
        var stored = await store.Keys.GetAsync(issued.Key.Id, Ct);

        Assert.NotNull(stored);
        AssertSameKey(issued.Key, stored);
        Assert.Equal("billing sync ✓", stored.Name);
        Assert.Equal(["contacts:read", "invoices:write"], stored.Scopes);
        Assert.Equal(["ws_other", "ws_third"], stored.Workspaces);
        Assert.Equal(["10.0.0.0/8", "2001:db8::/32"], stored.AllowedIps);
        Assert.Equal(new RateLimitOverride(100, 60), stored.RateLimit);
        Assert.Equal(new QuotaOverride(1000, null), stored.Quota);
        Assert.Equal(KeyMode.Test, stored.Mode);
        Assert.Equal("gold", stored.Tier);
        Assert.Equal(TestStore.Start, stored.CreatedAt);
        Assert.Equal(TestStore.Start.AddDays(30), stored.ExpiresAt);
        Assert.Equal(TestStore.Admin.Id, stored.CreatedBy);
        Assert.Null(stored.LastUsedAt);
        Assert.Null(stored.RevokedAt);
        Assert.Equal(KeyStatus.Active, stored.StatusAt(store.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task GetAsync_UnknownId_Null()
    {
        using var store = await TestStore.CreateAsync();
        Assert.Null(await store.Keys.GetAsync(Ids.New("key"), Ct));
    }

    [Fact]
    public async Task FindByHashAsync_IssuedKey_FoundWhateverItsStatus()
    {
        using var store = await TestStore.CreateAsync();
        var issued = await store.MintAsync();

        Assert.Equal(issued.Key.Id, (await store.Keys.FindByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct))?.Id);
        await store.Mutations.RevokeAsync(issued.Key.Id, TestStore.Admin, Ct);
        var revoked = await store.Keys.FindByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct);
        Assert.Equal(KeyStatus.Revoked, revoked?.StatusAt(store.Clock.GetUtcNow()));
        Assert.Null(await store.Keys.FindByHashAsync(store.Hasher.Hash(store.Format.Mint(KeyMode.Live)), Ct));
    }

    [Fact]
    public async Task CreateAsync_DuplicateHash_Throws()
    {
        using var store = await TestStore.CreateAsync();
        var issued = await store.MintAsync();
        var copy = issued.Key with { Id = Ids.New("key") };

        await Assert.ThrowsAsync<SqliteException>(() => store.InsertAsIsAsync(new NewKey(copy, store.Hasher.Hash(issued.Plaintext))));
        Assert.Null(await store.Keys.GetAsync(copy.Id, Ct));
    }

    [Fact]
    public async Task CreateAsync_Key_WritesCreatedAuditEventWithActorAndChange()
    {
        using var store = await TestStore.CreateAsync();
        var issued = await store.MintAsync(TestStore.Spec(name: "ci", owner: "bob"));

        var audit = await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, null, 10, 0), Ct);

        var created = Assert.Single(audit.Items);
        Assert.Equal(AuditActions.KeyCreated, created.Action);
        Assert.Equal(TestStore.Admin, created.Actor);
        Assert.Equal("ci", created.KeyName);
        Assert.Equal(TestStore.Start, created.At);
        using var details = JsonDocument.Parse(created.Details!);
        Assert.Equal(issued.Key.Prefix, details.RootElement.GetProperty("prefix").GetString());
        Assert.Equal("bob", details.RootElement.GetProperty("owner").GetString());
        Assert.Contains(await store.Changes.ReadAsync(0, 100, Ct), c => c.KeyId == issued.Key.Id);
    }

    [Fact]
    public async Task ListAsync_Filters_ByWorkspaceAndOwner()
    {
        using var store = await TestStore.CreateAsync();
        var a = await store.MintAsync(TestStore.Spec(workspaceId: "ws_a", owner: "alice"));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await store.MintAsync(TestStore.Spec(workspaceId: "ws_a", owner: "bob"));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        var c = await store.MintAsync(TestStore.Spec(workspaceId: "ws_b", owner: "alice"));

        Assert.Equal([b.Key.Id, a.Key.Id], await IdsAsync(store, new KeyQuery("ws_a", null, null, 50, 0)));
        Assert.Equal([c.Key.Id, a.Key.Id], await IdsAsync(store, new KeyQuery(null, "alice", null, 50, 0)));
        Assert.Equal([a.Key.Id], await IdsAsync(store, new KeyQuery("ws_a", "alice", null, 50, 0)));
        Assert.Empty(await IdsAsync(store, new KeyQuery("ws_none", null, null, 50, 0)));
        Assert.Equal(3, (await store.Keys.ListAsync(new KeyQuery(null, null, null, 50, 0), Ct)).Total);
    }

    [Fact]
    public async Task ListAsync_Paging_NewestFirstWithTotal()
    {
        using var store = await TestStore.CreateAsync();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await store.MintAsync()).Key.Id);
            store.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        ids.Reverse();

        var first = await store.Keys.ListAsync(new KeyQuery(null, null, null, 3, 0), Ct);
        var second = await store.Keys.ListAsync(new KeyQuery(null, null, null, 3, 3), Ct);
        var last = await store.Keys.ListAsync(new KeyQuery(null, null, null, 3, 6), Ct);
        var beyond = await store.Keys.ListAsync(new KeyQuery(null, null, null, 3, 9), Ct);

        Assert.Equal(ids[..3], first.Items.Select(k => k.Id));
        Assert.Equal(ids[3..6], second.Items.Select(k => k.Id));
        Assert.Equal(ids[6..], last.Items.Select(k => k.Id));
        Assert.Empty(beyond.Items);
        Assert.All(new[] { first, second, last, beyond }, page => Assert.Equal(7, page.Total));
    }

    [Fact]
    public async Task ListAsync_StatusFilter_FollowsClock()
    {
        using var store = await TestStore.CreateAsync();
        var forever = await store.MintAsync();
        var shortLived = await store.MintAsync(TestStore.Spec(expiresAt: TestStore.Start.AddHours(1)));
        var revoked = await store.MintAsync();
        await store.Mutations.RevokeAsync(revoked.Key.Id, TestStore.Admin, Ct);

        Assert.Equal(new HashSet<string> { shortLived.Key.Id, forever.Key.Id }, (await IdsAsync(store, new KeyQuery(null, null, KeyStatus.Active, 50, 0))).ToHashSet());
        Assert.Empty(await IdsAsync(store, new KeyQuery(null, null, KeyStatus.Expired, 50, 0)));
        Assert.Equal([revoked.Key.Id], await IdsAsync(store, new KeyQuery(null, null, KeyStatus.Revoked, 50, 0)));

        store.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal([forever.Key.Id], await IdsAsync(store, new KeyQuery(null, null, KeyStatus.Active, 50, 0)));
        Assert.Equal([shortLived.Key.Id], await IdsAsync(store, new KeyQuery(null, null, KeyStatus.Expired, 50, 0)));
        Assert.Equal(1, (await store.Keys.ListAsync(new KeyQuery(null, null, KeyStatus.Revoked, 50, 0), Ct)).Total);
    }

    [Fact]
    public async Task ListAsync_RevokedAndExpiredKey_CountsOnceAsRevoked()
    {
        using var store = await TestStore.CreateAsync();
        var key = await store.MintAsync(TestStore.Spec(expiresAt: TestStore.Start.AddHours(1)));
        await store.Mutations.RevokeAsync(key.Key.Id, TestStore.Admin, Ct);
        store.Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal([key.Key.Id], await IdsAsync(store, new KeyQuery(null, null, KeyStatus.Revoked, 50, 0)));
        Assert.Empty(await IdsAsync(store, new KeyQuery(null, null, KeyStatus.Expired, 50, 0)));
    }

    [Fact]
    public async Task UpdateAsync_SetFields_ChangesOnlyThoseAuditsAndFeedsTheChange()
    {
        using var store = await TestStore.CreateAsync();
        var issued = await store.MintAsync(TestStore.Spec(name: "before", owner: "alice"));
        var sequence = await store.Changes.GetLatestSequenceAsync(Ct);
        var update = new KeyUpdate
        {
            Name = new(true, "after"),
            Scopes = new(true, ["contacts:read", "contacts:write"]),
            RateLimit = new(true, new RateLimitOverride(5, 1)),
            ExpiresAt = new(true, TestStore.Start.AddDays(1)),
        };

        var updated = (await store.Mutations.UpdateAsync(issued.Key.Id, update, TestStore.Admin, Ct)).Key;
        var stored = await store.Keys.GetAsync(issued.Key.Id, Ct);

        Assert.NotNull(updated);
        AssertSameKey(updated, stored!);
        Assert.Equal("after", stored!.Name);
        Assert.Equal(["contacts:read", "contacts:write"], stored.Scopes);
        Assert.Equal(new RateLimitOverride(5, 1), stored.RateLimit);
        Assert.Equal(TestStore.Start.AddDays(1), stored.ExpiresAt);
        Assert.Equal("alice", stored.Owner);
        Assert.Null(stored.Quota);
        Assert.Equal(issued.Key.Prefix, stored.Prefix);
        Assert.Equal(issued.Key.Id, (await store.Keys.FindByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct))?.Id);

        var audit = (await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, AuditActions.KeyUpdated, 10, 0), Ct)).Items;
        var updatedEvent = Assert.Single(audit);
        Assert.Equal("after", updatedEvent.KeyName);
        using var details = JsonDocument.Parse(updatedEvent.Details!);
        Assert.Equal(["name", "scopes", "rateLimit", "expiresAt"], details.RootElement.GetProperty("fields").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["contacts:read"], details.RootElement.GetProperty("scopesBefore").EnumerateArray().Select(e => e.GetString()));

        // The gateway drops its cached copy from the change feed: a PATCH must appear there, like every other change.
        Assert.Contains(await store.Changes.ReadAsync(sequence, 100, Ct), c => c.KeyId == issued.Key.Id);
    }

    [Fact]
    public async Task ListAsync_PrefixSearchAndKeysetPage_UseTheirIndexes()
    {
        using var store = await TestStore.CreateAsync();
        var byPrefix = new KeyQuery(null, null, null, 50, 0) { PrefixStartsWith = "agw_live_3Xk" };
        var keyset = new KeyQuery(null, null, null, 50, 0) { After = new KeyCursor(1, "key_x") };

        var prefixPage = await PlanAsync(store, KeyRow.ListPage(byPrefix), KeyRow.ListParameters(byPrefix, store.Clock.GetUtcNow()));
        var prefixCount = await PlanAsync(store, "SELECT COUNT(*) FROM api_keys" + KeyRow.ListWhere(byPrefix), KeyRow.ListParameters(byPrefix, store.Clock.GetUtcNow()));
        var keysetPage = await PlanAsync(store, KeyRow.ListPage(keyset), KeyRow.ListParameters(keyset, store.Clock.GetUtcNow()));

        // A leaked key's prefix is looked up by an index range among any number of keys, never by a scan.
        Assert.Contains("USING INDEX ix_api_keys_prefix (prefix>? AND prefix<?)", prefixPage, StringComparison.Ordinal);
        Assert.Contains("USING INDEX ix_api_keys_prefix", prefixCount, StringComparison.Ordinal);
        // A cursor page walks the created index from the cursor: no sort, no skipped rows.
        Assert.Contains("ix_api_keys_created", keysetPage, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", keysetPage, StringComparison.Ordinal);
    }

    private static async Task<string> PlanAsync(TestStore store, string sql, object parameters)
    {
        await using var connection = await store.Database.OpenAsync(Ct);
        var rows = await connection.QueryAsync(new CommandDefinition("EXPLAIN QUERY PLAN " + sql, parameters, cancellationToken: Ct));
        return string.Join("\n", rows.Select(r => (string)((IDictionary<string, object>)r)["detail"]));
    }

    [Fact]
    public async Task UpdateAsync_ClearNullableFields_StoresNull()
    {
        using var store = await TestStore.CreateAsync();
        var spec = TestStore.Spec() with { Tier = "gold", Quota = new QuotaOverride(1, 2), ExpiresAt = TestStore.Start.AddDays(1) };
        var issued = await store.MintAsync(spec);

        await store.Mutations.UpdateAsync(issued.Key.Id, new KeyUpdate { Tier = new(true, null), Quota = new(true, null), ExpiresAt = new(true, null), AllowedIps = new(true, []) }, TestStore.Admin, Ct);
        var stored = await store.Keys.GetAsync(issued.Key.Id, Ct);

        Assert.Null(stored!.Tier);
        Assert.Null(stored.Quota);
        Assert.Null(stored.ExpiresAt);
        Assert.Empty(stored.AllowedIps);
    }

    [Fact]
    public async Task UpdateAsync_UnknownId_NullAndNoAudit()
    {
        using var store = await TestStore.CreateAsync();
        Assert.Equal(UpdateKeyStatus.NotFound, (await store.Mutations.UpdateAsync(Ids.New("key"), new KeyUpdate { Name = new(true, "x") }, TestStore.Admin, Ct)).Status);
        Assert.Equal(0, (await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct)).Total);
    }

    [Fact]
    public async Task RevokeAsync_Twice_IdempotentWithOneAuditEvent()
    {
        using var store = await TestStore.CreateAsync();
        var issued = await store.MintAsync();

        var first = await store.Mutations.RevokeAsync(issued.Key.Id, TestStore.Admin, Ct);
        store.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await store.Mutations.RevokeAsync(issued.Key.Id, new Actor("adm_other", "other"), Ct);

        Assert.Equal(TestStore.Start, first!.RevokedAt);
        Assert.Equal(TestStore.Start, second!.RevokedAt);
        Assert.Equal(KeyStatus.Revoked, second.StatusAt(store.Clock.GetUtcNow()));
        var stored = await store.Keys.GetAsync(issued.Key.Id, Ct);
        Assert.Equal(TestStore.Start, stored!.RevokedAt);
        var revokedEvent = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(issued.Key.Id, AuditActions.KeyRevoked, 10, 0), Ct)).Items);
        Assert.Equal(TestStore.Admin, revokedEvent.Actor);
    }

    [Fact]
    public async Task RevokeAsync_UnknownId_Null()
    {
        using var store = await TestStore.CreateAsync();
        Assert.Null(await store.Mutations.RevokeAsync(Ids.New("key"), TestStore.Admin, Ct));
    }

    [Fact]
    public async Task RotateAsync_NoGrace_RevokesOldSharesLineageAndAudits()
    {
        using var store = await TestStore.CreateAsync();
        var spec = new KeySpec("svc", "ws_1", ["contacts:read"], "alice", KeyMode.Test, null, "gold", new RateLimitOverride(10, 60),
            new QuotaOverride(null, 5000), ["192.0.2.0/24"], ["ws_2"]);
        var old = (await store.Mutations.CreateAsync(spec, TestStore.Admin, Ct)).Issued!;
        store.Clock.Advance(TimeSpan.FromHours(1));

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.Zero, null, TestStore.Admin, Ct);

        Assert.Equal(RotateKeyStatus.Rotated, result.Status);
        var successor = result.Successor!.Key;
        var predecessor = await store.Keys.GetAsync(old.Key.Id, Ct);
        Assert.Equal(store.Clock.GetUtcNow(), predecessor!.RevokedAt);
        Assert.Equal(successor.Id, predecessor.RotatedTo);
        Assert.Equal(old.Key.Id, successor.RotatedFrom);
        Assert.Equal(old.Key.LineageId, successor.LineageId);
        Assert.NotEqual(old.Key.Id, successor.Id);
        Assert.NotEqual(old.Plaintext, result.Successor.Plaintext);
        Assert.Equal(store.Clock.GetUtcNow(), successor.CreatedAt);
        Assert.Equal(
            (old.Key.Name, old.Key.WorkspaceId, old.Key.Owner, old.Key.Mode, old.Key.Tier, old.Key.RateLimit, old.Key.Quota),
            (successor.Name, successor.WorkspaceId, successor.Owner, successor.Mode, successor.Tier, successor.RateLimit, successor.Quota));
        Assert.Equal(old.Key.Scopes, successor.Scopes);
        Assert.Equal(old.Key.AllowedIps, successor.AllowedIps);
        Assert.Equal(old.Key.Workspaces, successor.Workspaces);
        AssertSameKey(successor, (await store.Keys.FindByHashAsync(store.Hasher.Hash(result.Successor.Plaintext), Ct))!);

        var rotated = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(old.Key.Id, AuditActions.KeyRotated, 10, 0), Ct)).Items);
        Assert.Equal(TestStore.Admin, rotated.Actor);
        using var details = JsonDocument.Parse(rotated.Details!);
        Assert.Equal(successor.Id, details.RootElement.GetProperty("rotatedTo").GetString());
        var created = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(successor.Id, AuditActions.KeyCreated, 10, 0), Ct)).Items);
        using var createdDetails = JsonDocument.Parse(created.Details!);
        Assert.Equal(old.Key.Id, createdDetails.RootElement.GetProperty("rotatedFrom").GetString());
    }

    [Fact]
    public async Task RotateAsync_GracePeriod_OldKeyExpiresThen()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync();

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.FromHours(1), null, TestStore.Admin, Ct);

        var predecessor = await store.Keys.GetAsync(old.Key.Id, Ct);
        Assert.Null(predecessor!.RevokedAt);
        Assert.Equal(TestStore.Start.AddHours(1), predecessor.ExpiresAt);
        Assert.Equal(result.Successor!.Key.Id, predecessor.RotatedTo);
        Assert.Equal(KeyStatus.Active, predecessor.StatusAt(store.Clock.GetUtcNow()));
        store.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(KeyStatus.Expired, (await store.Keys.GetAsync(old.Key.Id, Ct))!.StatusAt(store.Clock.GetUtcNow()));
        Assert.Equal(KeyStatus.Active, (await store.Keys.GetAsync(result.Successor.Key.Id, Ct))!.StatusAt(store.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task RotateAsync_GraceBeyondOldExpiry_KeepsEarlierExpiry()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync(TestStore.Spec(expiresAt: TestStore.Start.AddMinutes(10)));

        await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.FromHours(1), null, TestStore.Admin, Ct);

        Assert.Equal(TestStore.Start.AddMinutes(10), (await store.Keys.GetAsync(old.Key.Id, Ct))!.ExpiresAt);
    }

    [Fact]
    public async Task RotateAsync_AlreadyRotatedOrRevoked_NotRotatable()
    {
        using var store = await TestStore.CreateAsync();
        var rotatedOnce = await store.MintAsync();
        await store.Mutations.RotateAsync(rotatedOnce.Key.Id, TimeSpan.FromHours(1), null, TestStore.Admin, Ct);
        var revoked = await store.MintAsync();
        await store.Mutations.RevokeAsync(revoked.Key.Id, TestStore.Admin, Ct);
        var expired = await store.MintAsync(TestStore.Spec(expiresAt: TestStore.Start.AddMinutes(1)));
        store.Clock.Advance(TimeSpan.FromMinutes(1));
        var total = (await store.Keys.ListAsync(new KeyQuery(null, null, null, 100, 0), Ct)).Total;

        Assert.Equal(RotateKeyStatus.NotRotatable, (await store.Mutations.RotateAsync(rotatedOnce.Key.Id, TimeSpan.Zero, null, TestStore.Admin, Ct)).Status);
        Assert.Equal(RotateKeyStatus.NotRotatable, (await store.Mutations.RotateAsync(revoked.Key.Id, TimeSpan.Zero, null, TestStore.Admin, Ct)).Status);
        Assert.Equal(RotateKeyStatus.NotRotatable, (await store.Mutations.RotateAsync(expired.Key.Id, TimeSpan.Zero, null, TestStore.Admin, Ct)).Status);
        Assert.Equal(RotateKeyStatus.NotFound, (await store.Mutations.RotateAsync(Ids.New("key"), TimeSpan.Zero, null, TestStore.Admin, Ct)).Status);
        Assert.Equal(total, (await store.Keys.ListAsync(new KeyQuery(null, null, null, 100, 0), Ct)).Total);
    }

    [Fact]
    public async Task CreateAsync_FiftyParallelForOneOwner_NeverExceedsCap()
    {
        using var store = await TestStore.CreateAsync(maxActivePerOwner: 10);
        // A second database object on the same file stands in for a second admin-API process.
        var other = store.OtherProcess();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            var target = i % 2 == 0 ? store.Mutations : other;
            return await target.CreateAsync(TestStore.Spec(name: $"k{i}", owner: "alice"), TestStore.Admin, Ct);
        }, Ct)).ToArray();
        gate.SetResult();

        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(10, outcomes.Count(o => o.Status == CreateKeyStatus.Created));
        Assert.Equal(40, outcomes.Count(o => o.Status == CreateKeyStatus.OwnerLimitReached));
        Assert.All(outcomes.Where(o => o.Status == CreateKeyStatus.OwnerLimitReached), o => Assert.Null(o.Issued));
        Assert.Equal(10, (await store.Keys.ListAsync(new KeyQuery(null, "alice", null, 100, 0), Ct)).Total);
        Assert.Equal(10, (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyCreated, 100, 0), Ct)).Total);
    }

    [Fact]
    public async Task CreateAsync_OwnerAtCap_RevokedAndExpiredKeysFreeSlots()
    {
        using var store = await TestStore.CreateAsync(maxActivePerOwner: 3);
        var revokeMe = await store.MintAsync(TestStore.Spec(owner: "alice"));
        await store.MintAsync(TestStore.Spec(owner: "alice", expiresAt: TestStore.Start.AddMinutes(1)));
        await store.MintAsync(TestStore.Spec(owner: "alice"));

        Assert.Equal(CreateKeyStatus.OwnerLimitReached, (await store.Mutations.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct)).Status);
        Assert.Equal(CreateKeyStatus.Created, (await store.Mutations.CreateAsync(TestStore.Spec(owner: "bob"), TestStore.Admin, Ct)).Status);
        Assert.Equal(CreateKeyStatus.Created, (await store.Mutations.CreateAsync(TestStore.Spec(owner: null), TestStore.Admin, Ct)).Status);

        await store.Mutations.RevokeAsync(revokeMe.Key.Id, TestStore.Admin, Ct);
        Assert.Equal(CreateKeyStatus.Created, (await store.Mutations.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct)).Status);
        Assert.Equal(CreateKeyStatus.OwnerLimitReached, (await store.Mutations.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct)).Status);

        store.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(CreateKeyStatus.Created, (await store.Mutations.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct)).Status);
        Assert.Equal(CreateKeyStatus.OwnerLimitReached, (await store.Mutations.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct)).Status);
    }

    [Fact]
    public async Task EveryChange_NeverPutsPlaintextOrHashInAuditOrDatabaseFile()
    {
        using var store = await TestStore.CreateAsync(pepper: "pepper");
        var plaintexts = new List<string>();
        var first = await store.MintAsync(TestStore.Spec(owner: "alice"));
        plaintexts.Add(first.Plaintext);
        await store.Mutations.UpdateAsync(first.Key.Id, new KeyUpdate { Name = new(true, "renamed"), Scopes = new(true, ["*"]) }, TestStore.Admin, Ct);
        var rotated = await store.Mutations.RotateAsync(first.Key.Id, TimeSpan.FromMinutes(5), null, TestStore.Admin, Ct);
        plaintexts.Add(rotated.Successor!.Plaintext);
        await store.Mutations.RevokeAsync(rotated.Successor.Key.Id, TestStore.Admin, Ct);
        var admin = await store.Mutations.CreateAdminAsync("ops", AdminRole.Admin, TestStore.Admin, Ct);
        plaintexts.Add(admin.Plaintext);
        await store.Mutations.RevokeAdminAsync(admin.Credential.Id, TestStore.Admin, Ct);
        var bootstrap = await store.Mutations.BootstrapAsync(null, Ct);
        Assert.Null(bootstrap); // an admin credential exists already

        var audit = (await store.Keys.ListAuditAsync(new AuditQuery(null, null, 1000, 0), Ct)).Items;
        Assert.Equal(7, audit.Count);
        var auditText = JsonSerializer.Serialize(audit);
        var secrets = plaintexts.SelectMany(p => Fingerprints(p, store.Hasher.Hash(p))).ToList();
        Assert.All(secrets, s => Assert.DoesNotContain(s, auditText, StringComparison.Ordinal));

        // The whole file, with the WAL folded in: the plaintext appears nowhere, the hash only in its indexed column.
        await using (var connection = new SqliteConnection(store.File.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            var auditColumns = string.Join("\n", await connection.QueryAsync<string>(
                "SELECT COALESCE(actor_id,'') || actor_name || action || COALESCE(key_id,'') || COALESCE(key_name,'') || COALESCE(details,'') FROM audit_events"));
            Assert.All(secrets, s => Assert.DoesNotContain(s, auditColumns, StringComparison.Ordinal));
        }
        SqliteConnection.ClearAllPools();
        var bytes = await System.IO.File.ReadAllBytesAsync(store.File.Path, Ct);
        var fileText = Encoding.Latin1.GetString(bytes);
        // Only the first 16 characters (the visible prefix) may be stored; any 12 characters of the rest would be a leak.
        Assert.All(plaintexts, p => Assert.All(Enumerable.Range(16, p.Length - 16 - 12 + 1),
            at => Assert.DoesNotContain(p.Substring(at, 12), fileText, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ListAuditAsync_NewestFirstWithFiltersAndPaging()
    {
        using var store = await TestStore.CreateAsync();
        var a = await store.MintAsync(TestStore.Spec(name: "a"));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        var b = await store.MintAsync(TestStore.Spec(name: "b"));
        store.Clock.Advance(TimeSpan.FromSeconds(1));
        await store.Mutations.RevokeAsync(a.Key.Id, TestStore.Admin, Ct);

        var all = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct);
        Assert.Equal(3, all.Total);
        Assert.Equal([AuditActions.KeyRevoked, AuditActions.KeyCreated, AuditActions.KeyCreated], all.Items.Select(e => e.Action));
        Assert.Equal([a.Key.Id, b.Key.Id, a.Key.Id], all.Items.Select(e => e.KeyId));
        Assert.True(all.Items[0].At > all.Items[1].At);

        var forA = await store.Keys.ListAuditAsync(new AuditQuery(a.Key.Id, null, 10, 0), Ct);
        Assert.Equal(2, forA.Total);
        var created = await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyCreated, 1, 1), Ct);
        Assert.Equal(2, created.Total);
        Assert.Equal(a.Key.Id, Assert.Single(created.Items).KeyId);
    }

    private static async Task<string[]> IdsAsync(TestStore store, KeyQuery query) =>
        [.. (await store.Keys.ListAsync(query, Ct)).Items.Select(k => k.Id)];

    private static void AssertSameKey(ApiKey expected, ApiKey actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    /// <summary>Forms a secret could take in text: the plaintext, its part past the visible prefix, the hash in hex and base64.</summary>
    private static IEnumerable<string> Fingerprints(string plaintext, KeyHash hash)
    {
        yield return plaintext;
        yield return plaintext[16..];
        var digest = hash.ToArray();
        yield return Convert.ToHexString(digest);
        yield return Convert.ToHexString(digest).ToLowerInvariant();
        yield return Convert.ToBase64String(digest);
    }
}
