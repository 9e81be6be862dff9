using ApiGateway.Keys.Format;

namespace ApiGateway.Keys.Tests.Format;

public sealed class IdsTests
{
    [Theory]
    [InlineData("key")]
    [InlineData("adm")]
    [InlineData("lin")]
    public void New_Kind_IsKindUnderscore22Base62Digits(string kind)
    {
        var id = Ids.New(kind);

        Assert.StartsWith(kind + "_", id, StringComparison.Ordinal);
        Assert.Equal(kind.Length + 1 + 22, id.Length);
        Assert.All(id[(kind.Length + 1)..], c => Assert.Contains(c, ReferenceKeys.Alphabet));
        Assert.True(ReferenceKeys.FromBase62(id[(kind.Length + 1)..]) < System.Numerics.BigInteger.One << 128);
    }

    [Fact]
    public void New_Many_AreDistinct()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => Ids.New("key")).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(20_000, ids.Count);
    }

    [Fact]
    public void LooksLike_NewId_True()
    {
        Assert.True(Ids.LooksLike(Ids.New("key"), "key"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("key_")]
    [InlineData("key_0000000000000000000000a")]
    [InlineData("key_000000000000000000000")]
    [InlineData("key-0000000000000000000000")]
    [InlineData("adm_0000000000000000000000")]
    [InlineData("KEY_0000000000000000000000")]
    [InlineData("key_00000000000000000000-0")]
    [InlineData("key_000000000000000000000é")]
    [InlineData("key_../../../../etc/passwd")]
    public void LooksLike_NotAKeyId_False(string? id)
    {
        Assert.False(Ids.LooksLike(id, "key"));
    }

    [Fact]
    public void LooksLike_WellFormedButUnknown_True()
    {
        Assert.True(Ids.LooksLike("key_0000000000000000000000", "key"));
    }
}
