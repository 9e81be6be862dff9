using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Format;

namespace ApiGateway.Gateway.Tests.Authentication;

public sealed class UnknownKeysTests
{
    private static readonly KeyHasher Hasher = new(pepper: null);

    private static KeyHash Hash(int i) => Hasher.Hash($"unknown_{i}");

    private static UnknownKey Entry(int i) => new(DateTimeOffset.UnixEpoch.AddSeconds(i), i);

    [Fact]
    public void Add_PastCapacity_ForgetsTheOldestOnly()
    {
        var keys = new UnknownKeys(capacity: 100);
        for (var i = 0; i < 250; i++)
        {
            keys.Add(Hash(i), Entry(i));
        }

        Assert.Equal(100, keys.Count);
        Assert.False(keys.TryGet(Hash(149), out _));
        Assert.All(Enumerable.Range(150, 100), i => Assert.True(keys.TryGet(Hash(i), out _)));
    }

    [Fact]
    public void Add_SameHashesOverAndOver_StaysBoundedAndKeepsTheNewest()
    {
        var keys = new UnknownKeys(capacity: 10);
        for (var round = 0; round < 1_000; round++)
        {
            keys.Add(Hash(round % 3), Entry(round));
        }

        Assert.Equal(3, keys.Count);
        Assert.True(keys.TryGet(Hash(999 % 3), out var newest));
        Assert.Equal(999, newest.Epoch);
    }

    [Fact]
    public void Add_ZeroCapacity_RemembersNothing()
    {
        var keys = new UnknownKeys(capacity: 0);
        keys.Add(Hash(1), Entry(1));
        Assert.False(keys.TryGet(Hash(1), out _));
    }
}
