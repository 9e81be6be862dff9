using System.Security.Cryptography;
using ApiGateway.Keys.Format;

namespace ApiGateway.Keys.Tests.Format;

public sealed class KeyHashTests
{
    [Fact]
    public void ToArray_RoundTripsDigest()
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(digest, new KeyHash(digest).ToArray());
    }

    [Fact]
    public void WriteTo_WritesDigest()
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var destination = new byte[32];
        new KeyHash(digest).WriteTo(destination);
        Assert.Equal(digest, destination);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void Constructor_WrongLength_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => new KeyHash(new byte[length]));
    }

    [Fact]
    public void Equality_SameDigest_EqualEverywhere()
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var a = new KeyHash(digest);
        var b = new KeyHash(digest.ToArray());

        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.FixedTimeEquals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equality_AnyByteDiffers_NotEqual()
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var a = new KeyHash(digest);
        for (var i = 0; i < 32; i++)
        {
            var changed = digest.ToArray();
            changed[i] ^= 0x01;
            var b = new KeyHash(changed);
            Assert.False(a.Equals(b), $"byte {i}");
            Assert.False(a == b);
            Assert.True(a != b);
            Assert.False(a.FixedTimeEquals(b));
        }
        Assert.False(a.Equals("not a hash"));
    }

    [Fact]
    public void Dictionary_KeyedByHash_FindsCopies()
    {
        var hashes = Enumerable.Range(0, 1000).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        var map = hashes.ToDictionary(h => new KeyHash(h), h => Convert.ToHexString(h));
        Assert.All(hashes, h => Assert.Equal(Convert.ToHexString(h), map[new KeyHash(h.ToArray())]));
    }

    [Fact]
    public void ToString_NeverRevealsDigest()
    {
        var digest = RandomNumberGenerator.GetBytes(32);
        var text = new KeyHash(digest).ToString();
        var interpolated = $"{new KeyHash(digest)}";

        Assert.Equal("KeyHash(redacted)", text);
        Assert.Equal(text, interpolated);
        Assert.DoesNotContain(Convert.ToHexString(digest)[..8], text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(digest)[..8], text, StringComparison.Ordinal);
    }
}
