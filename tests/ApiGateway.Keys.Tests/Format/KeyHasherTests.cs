using System.Security.Cryptography;
using System.Text;
using ApiGateway.Keys.Format;

namespace ApiGateway.Keys.Tests.Format;

public sealed class KeyHasherTests
{
    private readonly KeyFormat _format = new("agw");

    [Fact]
    public void Hash_NoPepper_IsSha256OfUtf8()
    {
        var hasher = new KeyHasher(pepper: null);
        for (var i = 0; i < 100; i++)
        {
            var key = _format.Mint(KeyMode.Live);
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), hasher.Hash(key).ToArray());
        }
    }

    [Fact]
    public void Hash_EmptyPepper_IsPlainSha256()
    {
        var key = _format.Mint(KeyMode.Live);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key)), new KeyHasher("").Hash(key).ToArray());
    }

    [Fact]
    public void Hash_WithPepper_IsHmacSha256KeyedWithPepper()
    {
        const string Pepper = "s3cr3t-pepper-ü";
        var hasher = new KeyHasher(Pepper);
        for (var i = 0; i < 100; i++)
        {
            var key = _format.Mint(KeyMode.Test);
            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Pepper), Encoding.UTF8.GetBytes(key));
            Assert.Equal(expected, hasher.Hash(key).ToArray());
        }
    }

    [Fact]
    public void Hash_DifferentPeppers_Differ()
    {
        var key = _format.Mint(KeyMode.Live);
        Assert.NotEqual(new KeyHasher("a").Hash(key), new KeyHasher("b").Hash(key));
        Assert.NotEqual(new KeyHasher(null).Hash(key), new KeyHasher("a").Hash(key));
    }

    [Fact]
    public void Hash_SameKeyTwice_Equal()
    {
        var key = _format.Mint(KeyMode.Live);
        var hasher = new KeyHasher("p");
        Assert.Equal(hasher.Hash(key), hasher.Hash(key));
        Assert.NotEqual(hasher.Hash(key), hasher.Hash(_format.Mint(KeyMode.Live)));
    }

    [Fact]
    public void Hash_LongNonAsciiInput_MatchesSha256()
    {
        // Longer than the stack buffer, so the pooled path runs.
        var text = string.Concat(Enumerable.Repeat("ключ-🔑-", 200));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(text)), new KeyHasher(null).Hash(text).ToArray());
        Assert.Equal(HMACSHA256.HashData("p"u8, Encoding.UTF8.GetBytes(text)), new KeyHasher("p").Hash(text).ToArray());
    }

    [Fact]
    public void Hash_HashersWithDifferentPeppersInterleaved_EachMatchesItsReference()
    {
        // Digests are reused per thread: switching pepper (and back) on one thread must never mix them up.
        var key = _format.Mint(KeyMode.Live);
        var bytes = Encoding.UTF8.GetBytes(key);
        var plain = new KeyHasher(null);
        var a = new KeyHasher("a");
        var b = new KeyHasher("b");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HMACSHA256.HashData("a"u8, bytes), a.Hash(key).ToArray());
            Assert.Equal(SHA256.HashData(bytes), plain.Hash(key).ToArray());
            Assert.Equal(HMACSHA256.HashData("b"u8, bytes), b.Hash(key).ToArray());
            Assert.Equal(HMACSHA256.HashData("b"u8, bytes), b.Hash(key).ToArray());
        }
    }

    [Fact]
    public void Hash_ManyThreadsAtOnce_EveryHashMatchesItsReference()
    {
        var hasher = new KeyHasher("p");
        var keys = Enumerable.Range(0, 2_000).Select(i => _format.Mint(KeyMode.Live)).ToArray();

        var mismatches = 0;
        Parallel.ForEach(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, key =>
        {
            if (!HMACSHA256.HashData("p"u8, Encoding.UTF8.GetBytes(key)).AsSpan().SequenceEqual(hasher.Hash(key).ToArray()))
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.Equal(0, mismatches);
    }
}
