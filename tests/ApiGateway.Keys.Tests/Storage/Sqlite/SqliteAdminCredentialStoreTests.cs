using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

public sealed class SqliteAdminCredentialStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryBootstrapAsync_Twice_OnlyFirstStoresAndAudits()
    {
        using var store = await TestStore.CreateAsync();
        var (first, firstHash) = Credential(store, "bootstrap", AdminRole.Owner);
        var (second, secondHash) = Credential(store, "bootstrap", AdminRole.Owner);

        Assert.True(await store.Admins.TryBootstrapAsync(first, firstHash, Ct));
        Assert.False(await store.Admins.TryBootstrapAsync(second, secondHash, Ct));

        Assert.Equal(first.Id, (await store.Admins.FindActiveByHashAsync(firstHash, Ct))?.Id);
        Assert.Null(await store.Admins.FindActiveByHashAsync(secondHash, Ct));
        var bootstrapped = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminBootstrapped, 10, 0), Ct)).Items);
        Assert.Equal(Actor.System, bootstrapped.Actor);
    }

    [Fact]
    public async Task TryBootstrapAsync_Racing_ExactlyOneWins()
    {
        using var store = await TestStore.CreateAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var (credential, hash) = Credential(store, "bootstrap", AdminRole.Owner);
            await gate.Task;
            return await store.Admins.TryBootstrapAsync(credential, hash, Ct);
        }, Ct)).ToArray();
        gate.SetResult();

        var results = await Task.WhenAll(racers);

        Assert.Single(results, won => won);
        Assert.Single(await store.Admins.ListAsync(Ct));
    }

    [Fact]
    public async Task CreateAsync_Credential_FoundByHashListedAndAudited()
    {
        using var store = await TestStore.CreateAsync();
        var (credential, hash) = Credential(store, "ops", AdminRole.Admin);

        await store.Admins.CreateAsync(credential, hash, TestStore.Admin, Ct);

        var found = await store.Admins.FindActiveByHashAsync(hash, Ct);
        Assert.Equal(credential, found);
        Assert.Equal([credential.Id], (await store.Admins.ListAsync(Ct)).Select(c => c.Id));
        var created = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminCreated, 10, 0), Ct)).Items);
        Assert.Equal(TestStore.Admin, created.Actor);
        Assert.Contains(credential.Id, created.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeAsync_Twice_InactiveAfterFirstWithOneAuditEvent()
    {
        using var store = await TestStore.CreateAsync();
        var (credential, hash) = Credential(store, "ops", AdminRole.Admin);
        await store.Admins.CreateAsync(credential, hash, TestStore.Admin, Ct);

        var first = (await store.Admins.RevokeAsync(credential.Id, TestStore.Admin, Ct)).Credential;
        store.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = (await store.Admins.RevokeAsync(credential.Id, TestStore.Admin, Ct)).Credential;

        Assert.Equal(TestStore.Start, first!.RevokedAt);
        Assert.Equal(TestStore.Start, second!.RevokedAt);
        Assert.False(second.IsActive);
        Assert.Null(await store.Admins.FindActiveByHashAsync(hash, Ct));
        Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminRevoked, 10, 0), Ct)).Items);
        Assert.Equal(RevokeAdminStatus.NotFound, (await store.Admins.RevokeAsync(Ids.New("adm"), TestStore.Admin, Ct)).Status);
    }

    [Fact]
    public async Task ListAsync_SameMillisecond_CreationOrder()
    {
        using var store = await TestStore.CreateAsync();
        var created = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var (credential, hash) = Credential(store, $"c{i}", AdminRole.Admin);
            await store.Admins.CreateAsync(credential, hash, TestStore.Admin, Ct);
            created.Add(credential.Id);
        }

        Assert.Equal(created, (await store.Admins.ListAsync(Ct)).Select(c => c.Id));
    }

    private static (AdminCredential Credential, KeyHash Hash) Credential(TestStore store, string name, AdminRole role)
    {
        var plaintext = store.Format.Mint(KeyMode.Admin);
        var credential = new AdminCredential
        {
            Id = Ids.New("adm"), Name = name, Prefix = KeyFormat.VisiblePrefix(plaintext), Role = role, CreatedAt = store.Clock.GetUtcNow(),
        };
        return (credential, store.Hasher.Hash(plaintext));
    }
}
