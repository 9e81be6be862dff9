using System.Numerics;
using System.Security.Cryptography;
using ApiGateway.Keys.Format;

namespace ApiGateway.Keys.Tests.Format;

public sealed class KeyFormatTests
{
    // Every base62 digit plus separators, punctuation, whitespace, control and non-ASCII look-alikes.
    private static readonly string Candidates = ReferenceKeys.Alphabet + "_-.:+/=~ \t\r\n\0éÀ\u00A0\u200B\uFF10\uFF21\u0430";

    private readonly KeyFormat _format = new("agw");

    [Theory]
    [InlineData(KeyMode.Live, "live")]
    [InlineData(KeyMode.Test, "test")]
    public void Mint_Mode_HasContractShape(KeyMode mode, string modeText)
    {
        var key = _format.Mint(mode);

        var head = $"agw_{modeText}_";
        Assert.StartsWith(head, key, StringComparison.Ordinal);
        Assert.Equal(head.Length + 49, key.Length);
        Assert.All(key[head.Length..], c => Assert.Contains(c, ReferenceKeys.Alphabet));
    }

    [Theory]
    [InlineData("agw")]
    [InlineData("x")]
    [InlineData("acme2026")]
    [InlineData("abcdefghij0123456789")]
    public void Mint_AnyPrefix_LengthIsPrefixModePlus49(string prefix)
    {
        var key = new KeyFormat(prefix).Mint(KeyMode.Live);

        Assert.Equal($"{prefix}_live_".Length + 49, key.Length);
        Assert.True(new KeyFormat(prefix).TryParse(key, out _));
    }

    [Fact]
    public void Mint_ManyKeys_RandomIs256BitBase62AndChecksumIsCrc32OfBody()
    {
        var seenDigits = new HashSet<char>();
        for (var i = 0; i < 2000; i++)
        {
            var key = _format.Mint(i % 2 == 0 ? KeyMode.Live : KeyMode.Test);
            var head = key[..9];
            var random = key.Substring(9, 43);
            var checksum = key[^6..];

            Assert.True(ReferenceKeys.FromBase62(random) < BigInteger.One << 256, key);
            Assert.Equal(ReferenceKeys.Checksum(head + random), checksum);
            seenDigits.UnionWith(random);
        }
        Assert.Equal(62, seenDigits.Count);
    }

    [Fact]
    public void Mint_ManyKeys_AreDistinct()
    {
        var keys = Enumerable.Range(0, 10_000).Select(_ => _format.Mint(KeyMode.Live)).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(10_000, keys.Count);
    }

    [Fact]
    public void TryParse_ManyMintedKeys_AcceptsWithMode()
    {
        for (var i = 0; i < 5000; i++)
        {
            var mode = i % 2 == 0 ? KeyMode.Live : KeyMode.Test;
            Assert.True(_format.TryParse(_format.Mint(mode), out var parsed));
            Assert.Equal(mode, parsed);
        }
    }

    [Fact]
    public void TryParse_KeysBuiltByReference_Accepted()
    {
        var randoms = new List<byte[]> { new byte[32], Enumerable.Repeat((byte)0xFF, 32).ToArray() };
        randoms.AddRange(Enumerable.Range(0, 500).Select(_ => RandomNumberGenerator.GetBytes(32)));
        foreach (var random in randoms)
        {
            Assert.True(_format.TryParse(ReferenceKeys.Build("agw", "live", random), out var mode));
            Assert.Equal(KeyMode.Live, mode);
            Assert.True(_format.TryParse(ReferenceKeys.Build("agw", "test", random), out mode));
            Assert.Equal(KeyMode.Test, mode);
        }
    }

    [Fact]
    public void TryParse_ReferenceKeyWithAnyOtherChecksum_Rejected()
    {
        var body = ReferenceKeys.Build("agw", "live", RandomNumberGenerator.GetBytes(32))[..^6];
        var right = ReferenceKeys.Crc32(System.Text.Encoding.UTF8.GetBytes(body));
        foreach (var wrong in new[] { right + 1, right - 1, right ^ 0x80000000u, 0u, uint.MaxValue }.Where(v => v != right))
        {
            Assert.False(_format.TryParse(body + ReferenceKeys.ToBase62(wrong, 6), out _));
        }
    }

    [Fact]
    public void TryParse_EverySingleCharacterChange_Rejected()
    {
        var failures = new List<string>();
        for (var k = 0; k < 10; k++)
        {
            var key = _format.Mint(k % 2 == 0 ? KeyMode.Live : KeyMode.Test);
            foreach (var mutant in SingleCharacterChanges(key))
            {
                if (_format.TryParse(mutant.Text, out _))
                {
                    failures.Add($"{mutant.Change} of {key}");
                }
            }
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void TryParse_AdjacentTranspositionInsideChecksummedPart_Rejected()
    {
        var key = _format.Mint(KeyMode.Live);
        for (var i = 0; i < key.Length - 7; i++)
        {
            if (key[i] == key[i + 1])
            {
                continue;
            }
            var swapped = key[..i] + key[i + 1] + key[i] + key[(i + 2)..];
            Assert.False(_format.TryParse(swapped, out _), $"swap at {i}");
        }
    }

    [Fact]
    public void TryParse_OtherProductPrefix_Rejected()
    {
        var random = RandomNumberGenerator.GetBytes(32);
        Assert.False(_format.TryParse(ReferenceKeys.Build("sk", "live", random), out _));
        Assert.False(_format.TryParse(ReferenceKeys.Build("agwx", "live", random), out _));
        Assert.False(_format.TryParse(ReferenceKeys.Build("ag", "live", random), out _));
        Assert.False(new KeyFormat("xyz").TryParse(_format.Mint(KeyMode.Live), out _));
        Assert.True(new KeyFormat("xyz").TryParse(ReferenceKeys.Build("xyz", "live", random), out _));
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("LIVE")]
    [InlineData("Live")]
    [InlineData("")]
    [InlineData("livetest")]
    public void TryParse_UnknownModeWithValidChecksum_Rejected(string mode)
    {
        Assert.False(_format.TryParse(ReferenceKeys.Build("agw", mode, RandomNumberGenerator.GetBytes(32)), out _));
    }

    [Fact]
    public void TryParse_UppercasePrefix_Rejected()
    {
        Assert.False(_format.TryParse(ReferenceKeys.Build("AGW", "live", RandomNumberGenerator.GetBytes(32)), out _));
    }

    [Fact]
    public void TryParse_AdminCredential_ReturnsAdminMode()
    {
        var credential = _format.Mint(KeyMode.Admin);

        Assert.StartsWith("agw_admin_", credential, StringComparison.Ordinal);
        Assert.True(_format.TryParse(credential, out var mode));
        Assert.Equal(KeyMode.Admin, mode);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("agw")]
    [InlineData("agw_")]
    [InlineData("agw_live")]
    [InlineData("agw_live_")]
    [InlineData("Bearer")]
    public void TryParse_Junk_Rejected(string token)
    {
        Assert.False(_format.TryParse(token, out _));
    }

    [Fact]
    public void TryParse_SurroundingWhitespace_Rejected()
    {
        var key = _format.Mint(KeyMode.Live);
        Assert.False(_format.TryParse(" " + key, out _));
        Assert.False(_format.TryParse(key + "\n", out _));
    }

    [Fact]
    public void TryParse_VeryLongToken_Rejected()
    {
        var key = _format.Mint(KeyMode.Live);
        Assert.False(_format.TryParse(key + new string('0', 10_000), out _));
        Assert.True(_format.MaxLength >= key.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AGW")]
    [InlineData("a_b")]
    [InlineData("a-b")]
    [InlineData("abcdefghij01234567890")]
    public void Constructor_InvalidPrefix_Throws(string prefix)
    {
        Assert.Throws<ArgumentException>(() => new KeyFormat(prefix));
    }

    [Fact]
    public void VisiblePrefix_Key_IsFirst16Characters()
    {
        var key = _format.Mint(KeyMode.Live);

        Assert.Equal(key[..16], KeyFormat.VisiblePrefix(key));
        Assert.Equal("short", KeyFormat.VisiblePrefix("short"));
    }

    private static IEnumerable<(string Change, string Text)> SingleCharacterChanges(string key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            foreach (var c in Candidates.Where(c => c != key[i]))
            {
                yield return ($"substitution of '{c}' at {i}", key[..i] + c + key[(i + 1)..]);
            }
            yield return ($"deletion at {i}", key.Remove(i, 1));
            yield return ($"truncation to {i}", key[..i]);
        }
        for (var i = 0; i <= key.Length; i++)
        {
            foreach (var c in Candidates)
            {
                yield return ($"insertion of '{c}' at {i}", key.Insert(i, c.ToString()));
            }
        }
    }
}
