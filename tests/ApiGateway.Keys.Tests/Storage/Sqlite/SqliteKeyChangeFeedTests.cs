using ApiGateway.Keys.Storage;

namespace ApiGateway.Keys.Tests.Storage.Sqlite;

public sealed class SqliteKeyChangeFeedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetLatestSequenceAsync_EmptyStore_Zero()
    {
        using var store = await TestStore.CreateAsync();
        Assert.Equal(0, await store.Changes.GetLatestSequenceAsync(Ct));
        Assert.Empty(await store.Changes.ReadAsync(0, 10, Ct));
    }

    [Fact]
    public async Task ReadAsync_AfterSequence_ReturnsLaterChangesOldestFirst()
    {
        using var store = await TestStore.CreateAsync();
        var a = (await store.MintAsync()).Key;
        var afterCreate = await store.Changes.GetLatestSequenceAsync(Ct);
        var b = (await store.MintAsync()).Key;
        await store.Mutations.RevokeAsync(a.Id, TestStore.Admin, Ct);
        await store.Mutations.UpdateAsync(b.Id, new KeyUpdate { Name = new(true, "b2") }, TestStore.Admin, Ct);

        var changes = await store.Changes.ReadAsync(afterCreate, 10, Ct);

        Assert.Equal([b.Id, a.Id, b.Id], changes.Select(c => c.KeyId));
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
        Assert.Equal(changes[^1].Sequence, await store.Changes.GetLatestSequenceAsync(Ct));
        Assert.Equal(2, (await store.Changes.ReadAsync(afterCreate, 2, Ct)).Count);
        Assert.Empty(await store.Changes.ReadAsync(changes[^1].Sequence, 10, Ct));
    }

    [Fact]
    public async Task ReadAsync_Rotation_FeedsBothKeys()
    {
        using var store = await TestStore.CreateAsync();
        var old = (await store.MintAsync()).Key;
        var before = await store.Changes.GetLatestSequenceAsync(Ct);

        var rotated = await store.Mutations.RotateAsync(old.Id, TimeSpan.Zero, null, TestStore.Admin, Ct);

        var changed = (await store.Changes.ReadAsync(before, 10, Ct)).Select(c => c.KeyId).ToHashSet();
        Assert.Contains(old.Id, changed);
        Assert.Contains(rotated.Successor!.Key.Id, changed);
    }
}
