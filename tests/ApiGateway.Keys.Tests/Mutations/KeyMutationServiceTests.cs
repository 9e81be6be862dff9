using System.Security.Cryptography;
using System.Text;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using ApiGateway.Keys.Tests.Storage.Sqlite;

namespace ApiGateway.Keys.Tests.Mutations;

public sealed class KeyMutationServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateAsync_Spec_ReturnsParsablePlaintextAndStoresOnlyItsHash()
    {
        using var store = await TestStore.CreateAsync();

        var result = await store.Mutations.CreateAsync(TestStore.Spec(mode: KeyMode.Test), TestStore.Admin, Ct);

        Assert.Equal(CreateKeyStatus.Created, result.Status);
        var issued = result.Issued!;
        Assert.True(store.Format.TryParse(issued.Plaintext, out var mode));
        Assert.Equal(KeyMode.Test, mode);
        Assert.Equal(issued.Plaintext[..16], issued.Key.Prefix);
        Assert.StartsWith("key_", issued.Key.Id, StringComparison.Ordinal);
        Assert.StartsWith("lin_", issued.Key.LineageId, StringComparison.Ordinal);
        Assert.Equal(TestStore.Admin.Id, issued.Key.CreatedBy);
        Assert.Equal(TestStore.Start, issued.Key.CreatedAt);
        var byHash = await store.Keys.FindByHashAsync(new KeyHash(SHA256.HashData(Encoding.UTF8.GetBytes(issued.Plaintext))), Ct);
        Assert.Equal(issued.Key.Id, byHash?.Id);
    }

    [Fact]
    public async Task CreateAsync_WithPepper_StoresHmacNotSha256()
    {
        using var store = await TestStore.CreateAsync(pepper: "pepper");

        var issued = (await store.Mutations.CreateAsync(TestStore.Spec(), TestStore.Admin, Ct)).Issued!;

        var plain = Encoding.UTF8.GetBytes(issued.Plaintext);
        Assert.Null(await store.Keys.FindByHashAsync(new KeyHash(SHA256.HashData(plain)), Ct));
        Assert.Equal(issued.Key.Id, (await store.Keys.FindByHashAsync(new KeyHash(HMACSHA256.HashData("pepper"u8, plain)), Ct))?.Id);
    }

    [Fact]
    public async Task CreateAsync_OwnerAtCap_ReturnsNoKey()
    {
        using var store = await TestStore.CreateAsync(maxActivePerOwner: 1);
        await store.MintAsync(TestStore.Spec(owner: "alice"));

        var result = await store.Mutations.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct);

        Assert.Equal(CreateKeyStatus.OwnerLimitReached, result.Status);
        Assert.Null(result.Issued);
    }

    [Fact]
    public async Task RotateAsync_OldKeyHadLifetime_SuccessorGetsSameLength()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync(TestStore.Spec(expiresAt: TestStore.Start.AddDays(30)));
        store.Clock.Advance(TimeSpan.FromDays(10));

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.Zero, null, TestStore.Admin, Ct);

        Assert.Equal(store.Clock.GetUtcNow().AddDays(30), result.Successor!.Key.ExpiresAt);
        Assert.Equal(old.Key.Id, result.Predecessor!.Id);
        Assert.Equal(store.Clock.GetUtcNow(), result.Predecessor.RevokedAt);
    }

    [Fact]
    public async Task RotateAsync_OldKeyExpiresAtTheEndOfTime_SuccessorLifetimeCappedAtTenYears()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync(TestStore.Spec(expiresAt: DateTimeOffset.MaxValue));
        store.Clock.Advance(TimeSpan.FromDays(1));

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.FromHours(1), null, TestStore.Admin, Ct);

        Assert.Equal(RotateKeyStatus.Rotated, result.Status);
        Assert.Equal(store.Clock.GetUtcNow().AddDays(3650), result.Successor!.Key.ExpiresAt);
        Assert.Equal(store.Clock.GetUtcNow().AddHours(1), result.Predecessor!.ExpiresAt);
    }

    [Fact]
    public async Task RotateAsync_ExplicitExpiry_Wins()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync(TestStore.Spec(expiresAt: TestStore.Start.AddDays(30)));

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.Zero, TestStore.Start.AddDays(2), TestStore.Admin, Ct);

        Assert.Equal(TestStore.Start.AddDays(2), result.Successor!.Key.ExpiresAt);
    }

    [Fact]
    public async Task RotateAsync_OldKeyNeverExpired_SuccessorNeverExpires()
    {
        using var store = await TestStore.CreateAsync();
        var old = await store.MintAsync();

        var result = await store.Mutations.RotateAsync(old.Key.Id, TimeSpan.Zero, null, TestStore.Admin, Ct);

        Assert.Null(result.Successor!.Key.ExpiresAt);
    }

    [Fact]
    public async Task BootstrapAsync_NoSecret_GeneratesOwnerCredentialOnce()
    {
        using var store = await TestStore.CreateAsync();

        var issued = await store.Mutations.BootstrapAsync(null, Ct);
        var again = await store.Mutations.BootstrapAsync(null, Ct);

        Assert.NotNull(issued);
        Assert.Null(again);
        Assert.StartsWith("agw_admin_", issued.Plaintext, StringComparison.Ordinal);
        Assert.True(store.Format.TryParse(issued.Plaintext, out var mode));
        Assert.Equal(KeyMode.Admin, mode);
        Assert.Equal(AdminRole.Owner, issued.Credential.Role);
        Assert.Equal(issued.Credential.Id, (await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct))?.Id);
    }

    [Fact]
    public async Task BootstrapAsync_ConfiguredSecret_BecomesOwnerCredential()
    {
        using var store = await TestStore.CreateAsync();
        var secret = store.Format.Mint(KeyMode.Admin);

        var issued = await store.Mutations.BootstrapAsync(secret, Ct);

        Assert.Equal(secret, issued!.Plaintext);
        // Even a key-shaped chosen secret lends nothing to the listed prefix: it is the credential id.
        Assert.Equal(issued.Credential.Id, issued.Credential.Prefix);
        var found = await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(secret), Ct);
        Assert.Equal(AdminRole.Owner, found!.Role);
        Assert.Null(await store.Mutations.BootstrapAsync(store.Format.Mint(KeyMode.Admin), Ct));
    }

    [Theory]
    [InlineData("hunter2")]
    [InlineData("correct-horse-battery")]
    [InlineData("a-much-longer-operator-chosen-secret-value")]
    public async Task BootstrapAsync_ConfiguredFreeFormSecret_PrefixRevealsNothing(string secret)
    {
        using var store = await TestStore.CreateAsync();

        var issued = await store.Mutations.BootstrapAsync(secret, Ct);

        // The prefix is listed and audited: for a chosen secret it is the public credential id, no part of the secret.
        Assert.Equal(issued!.Credential.Id, issued.Credential.Prefix);
        var audit = await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct);
        Assert.All(audit.Items, e => Assert.DoesNotContain(secret[..4], e.Details ?? "", StringComparison.Ordinal));
        Assert.NotNull(await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(secret), Ct));
    }

    [Fact]
    public async Task CreateAdminAsync_Role_StoresHashedCredentialCreatedByActor()
    {
        using var store = await TestStore.CreateAsync();

        var issued = await store.Mutations.CreateAdminAsync("ops", AdminRole.Admin, TestStore.Admin, Ct);

        var found = await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct);
        Assert.Equal(issued.Credential, found);
        Assert.Equal(TestStore.Admin.Id, found!.CreatedBy);
        Assert.Equal(AdminRole.Admin, found.Role);
    }

    [Fact]
    public async Task ToString_IssuedRecords_NeverContainPlaintext()
    {
        using var store = await TestStore.CreateAsync();
        var key = await store.MintAsync();
        var admin = await store.Mutations.CreateAdminAsync("ops", AdminRole.Admin, TestStore.Admin, Ct);

        Assert.DoesNotContain(key.Plaintext, key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(admin.Plaintext, admin.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key.Plaintext, new IssueKeyResult(CreateKeyStatus.Created, key).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listeners_EveryMutationThatChangedSomething_ToldOnceAfterCommitAndNothingElse()
    {
        using var store = await TestStore.CreateAsync(maxActivePerOwner: 1);
        var listener = new RecordingListener(store);
        var mutations = store.MutationsWith([], [listener]);

        var created = (await mutations.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct)).Issued!.Key;
        await mutations.CreateAsync(TestStore.Spec(owner: "alice"), TestStore.Admin, Ct);                     // over the cap
        await mutations.UpdateAsync(created.Id, new KeyUpdate { Name = new(true, "renamed") }, TestStore.Admin, Ct);
        await mutations.UpdateAsync(created.Id, new KeyUpdate(), TestStore.Admin, Ct);                         // nothing to change
        await mutations.UpdateAsync(created.Id, new KeyUpdate { Name = new(true, "renamed") }, TestStore.Admin, Ct);  // the name it has
        await mutations.UpdateAsync(created.Id, new KeyUpdate { Enabled = new(true, false) }, TestStore.Admin, Ct);
        await mutations.UpdateAsync(created.Id, new KeyUpdate { Enabled = new(true, false) }, TestStore.Admin, Ct);  // disabled already
        await mutations.UpdateAsync(created.Id, new KeyUpdate { Enabled = new(true, true) }, TestStore.Admin, Ct);
        var rotated = await mutations.RotateAsync(created.Id, TimeSpan.Zero, null, TestStore.Admin, Ct);
        await mutations.RotateAsync(created.Id, TimeSpan.Zero, null, TestStore.Admin, Ct);                     // already rotated
        await mutations.UpdateAsync(created.Id, new KeyUpdate { Name = new(true, "x") }, TestStore.Admin, Ct);  // revoked by the rotation
        await mutations.RevokeAsync(rotated.Successor!.Key.Id, TestStore.Admin, Ct);
        await mutations.RevokeAsync(rotated.Successor.Key.Id, TestStore.Admin, Ct);                            // already revoked
        await mutations.RevokeAsync(Ids.New("key"), TestStore.Admin, Ct);                                      // no such key
        var owner = await mutations.CreateAdminAsync("ops", AdminRole.Owner, TestStore.Admin, Ct);
        await mutations.RevokeAdminAsync(owner.Credential.Id, TestStore.Admin, Ct);                            // the last owner
        var admin = await mutations.CreateAdminAsync("ci", AdminRole.Admin, TestStore.Admin, Ct);
        await mutations.RevokeAdminAsync(admin.Credential.Id, TestStore.Admin, Ct);
        await mutations.BootstrapAsync(null, Ct);                                                              // credentials exist

        Assert.Equal(
        [
            (AuditActions.KeyCreated, created.Id, 1),
            (AuditActions.KeyUpdated, created.Id, 1),
            (AuditActions.KeyDisabled, created.Id, 1),
            (AuditActions.KeyEnabled, created.Id, 1),
            (AuditActions.KeyRotated, created.Id, 2),
            (AuditActions.KeyRevoked, rotated.Successor.Key.Id, 1),
            (AuditActions.AdminCreated, owner.Credential.Id, 0),
            (AuditActions.AdminCreated, admin.Credential.Id, 0),
            (AuditActions.AdminRevoked, admin.Credential.Id, 0),
        ], listener.Told.Select(m => (m.Action, m.SubjectId, m.ChangedKeyIds.Count)));
        // Each was told after its commit: its audit event was already visible from another connection.
        Assert.All(listener.AuditSeen, Assert.True);
    }

    [Fact]
    public async Task Hooks_RunInsideTheTransaction_AThrowRollsTheWholeMutationBackAndTellsNoListener()
    {
        using var store = await TestStore.CreateAsync();
        var listener = new RecordingListener(store);
        var hook = new OutboxHook();
        var mutations = store.MutationsWith([hook, new ThrowingHook()], [listener]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => mutations.CreateAsync(TestStore.Spec(name: "never"), TestStore.Admin, Ct));

        Assert.Equal(1, hook.Calls);
        Assert.Equal(0, (await store.Keys.ListAsync(new KeyQuery(null, null, null, 10, 0), Ct)).Total);
        Assert.Equal(0, (await store.Keys.ListAuditAsync(new AuditQuery(null, null, 10, 0), Ct)).Total);
        Assert.Equal(0, await store.Changes.GetLatestSequenceAsync(Ct));
        Assert.Empty(listener.Told);
    }

    [Fact]
    public async Task ReportLeak_RevokesLikeADelete_ListenersToldAfterCommitHooksInsideUnknownTellsNobody()
    {
        using var store = await TestStore.CreateAsync();
        var listener = new RecordingListener(store);
        var hook = new OutboxHook();
        var mutations = store.MutationsWith([hook], [listener]);
        var key = await store.MintAsync();
        var github = new Actor("github", "GitHub secret scanning");

        var (result, reported) = await mutations.ReportLeakAsync(store.Hasher.Hash(key.Plaintext), LeakAction.Revoke, new LeakReport("github", null), github, Ct);
        var (unknown, none) = await mutations.ReportLeakAsync(store.Hasher.Hash("agw_live_nobody"), LeakAction.Revoke, new LeakReport(null, null), github, Ct);

        Assert.Equal(LeakResult.Revoked, result);
        Assert.Equal(KeyStatus.Revoked, (await store.Keys.GetAsync(key.Key.Id, Ct))!.StatusAt(store.Clock.GetUtcNow()));
        Assert.Equal(store.Clock.GetUtcNow(), reported!.LeakedAt);
        Assert.Equal((LeakResult.Unknown, (ApiKey?)null), (unknown, none));
        Assert.Equal([(AuditActions.KeyLeaked, key.Key.Id, 1)], listener.Told.Select(m => (m.Action, m.SubjectId, m.ChangedKeyIds.Count)));
        Assert.Equal("github", listener.Told[0].Actor.Id);
        Assert.All(listener.AuditSeen, Assert.True);
        Assert.Equal(1, hook.Calls);
    }

    [Fact]
    public async Task ReportLeak_HookThrows_KeyStaysActiveNothingWrittenNobodyTold()
    {
        using var store = await TestStore.CreateAsync();
        var listener = new RecordingListener(store);
        var key = await store.MintAsync();
        var before = await store.Changes.GetLatestSequenceAsync(Ct);
        var mutations = store.MutationsWith([new ThrowingHook()], [listener]);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            mutations.ReportLeakAsync(store.Hasher.Hash(key.Plaintext), LeakAction.Revoke, new LeakReport(null, null), TestStore.Admin, Ct));

        var stored = (await store.Keys.GetAsync(key.Key.Id, Ct))!;
        Assert.Equal(KeyStatus.Active, stored.StatusAt(store.Clock.GetUtcNow()));
        Assert.Null(stored.LeakedAt);
        Assert.Equal(0, (await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.KeyLeaked, 10, 0), Ct)).Total);
        Assert.Equal(before, await store.Changes.GetLatestSequenceAsync(Ct));
        Assert.Empty(listener.Told);
    }

    /// <summary>Records what it is told, and whether the mutation's audit event was committed by then.</summary>
    private sealed class RecordingListener(TestStore store) : IKeyMutationListener
    {
        public List<KeyMutation> Told { get; } = [];

        public List<bool> AuditSeen { get; } = [];

        public async Task OnCommittedAsync(KeyMutation mutation, CancellationToken cancellationToken)
        {
            Told.Add(mutation);
            var audit = await new KeyStore(new SqliteDialect(TestStore.Open(store.File.ConnectionString)), store.Clock)
                .ListAuditAsync(new AuditQuery(null, mutation.Action, 100, 0), cancellationToken);
            AuditSeen.Add(audit.Total > 0);
        }
    }

    /// <summary>Writes in the mutation's transaction, as a webhook outbox would.</summary>
    private sealed class OutboxHook : IKeyMutationHook
    {
        public int Calls { get; private set; }

        public async Task OnMutatedAsync(KeyMutation mutation, IKeyStoreWriter writer, CancellationToken cancellationToken)
        {
            Calls++;
            await writer.AppendAuditAsync("outbox.test", mutation.Actor, null, null, null);
        }
    }

    private sealed class ThrowingHook : IKeyMutationHook
    {
        public Task OnMutatedAsync(KeyMutation mutation, IKeyStoreWriter writer, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("hook failed (test)");
    }
}
