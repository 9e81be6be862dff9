using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

public sealed class SqliteAdminCredentialStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BootstrapAsync_Twice_OnlyFirstStoresAndAudits()
    {
        using var store = await TestStore.CreateAsync();

        var first = await store.Mutations.BootstrapAsync(null, Ct);
        var second = await store.Mutations.BootstrapAsync("agw_admin_second-bootstrap-secret", Ct);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(first.Credential.Id, (await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(first.Plaintext), Ct))?.Id);
        Assert.Null(await store.Admins.FindActiveByHashAsync(store.Hasher.Hash("agw_admin_second-bootstrap-secret"), Ct));
        var bootstrapped = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminBootstrapped, 10, 0), Ct)).Items);
        Assert.Equal(Actor.System, bootstrapped.Actor);
    }

    [Fact]
    public async Task BootstrapAsync_Racing_ExactlyOneWins()
    {
        using var store = await TestStore.CreateAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await gate.Task;
            return await store.Mutations.BootstrapAsync(null, Ct);
        }, Ct)).ToArray();
        gate.SetResult();

        var results = await Task.WhenAll(racers);

        Assert.Single(results, won => won is not null);
        Assert.Single(await store.Admins.ListAsync(Ct));
    }

    [Fact]
    public async Task CreateAdminAsync_Credential_FoundByHashListedAndAudited()
    {
        using var store = await TestStore.CreateAsync();

        var issued = await store.Mutations.CreateAdminAsync("ops", AdminRole.Admin, TestStore.Admin, Ct);

        var found = await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct);
        Assert.Equal(issued.Credential, found);
        Assert.Equal([issued.Credential.Id], (await store.Admins.ListAsync(Ct)).Select(c => c.Id));
        var created = Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminCreated, 10, 0), Ct)).Items);
        Assert.Equal(TestStore.Admin, created.Actor);
        Assert.Contains(issued.Credential.Id, created.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeAdminAsync_Twice_InactiveAfterFirstWithOneAuditEvent()
    {
        using var store = await TestStore.CreateAsync();
        var issued = await store.Mutations.CreateAdminAsync("ops", AdminRole.Admin, TestStore.Admin, Ct);

        var first = (await store.Mutations.RevokeAdminAsync(issued.Credential.Id, TestStore.Admin, Ct)).Credential;
        store.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = (await store.Mutations.RevokeAdminAsync(issued.Credential.Id, TestStore.Admin, Ct)).Credential;

        Assert.Equal(TestStore.Start, first!.RevokedAt);
        Assert.Equal(TestStore.Start, second!.RevokedAt);
        Assert.False(second.IsActive);
        Assert.Null(await store.Admins.FindActiveByHashAsync(store.Hasher.Hash(issued.Plaintext), Ct));
        Assert.Single((await store.Keys.ListAuditAsync(new AuditQuery(null, AuditActions.AdminRevoked, 10, 0), Ct)).Items);
        Assert.Equal(RevokeAdminStatus.NotFound, (await store.Mutations.RevokeAdminAsync(Ids.New("adm"), TestStore.Admin, Ct)).Status);
    }

    [Fact]
    public async Task ListAsync_SameMillisecond_CreationOrder()
    {
        using var store = await TestStore.CreateAsync();
        var created = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            created.Add((await store.Mutations.CreateAdminAsync($"c{i}", AdminRole.Admin, TestStore.Admin, Ct)).Credential.Id);
        }

        Assert.Equal(created, (await store.Admins.ListAsync(Ct)).Select(c => c.Id));
    }
}
