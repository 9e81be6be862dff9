using System.Text;

namespace ApiGateway.Keys.Tests.Format;

/// <summary>The reference implementation must itself be right before it can judge anything.</summary>
public sealed class ReferenceKeysTests
{
    [Fact]
    public void Crc32_CheckVector_IsCbf43926()
    {
        Assert.Equal(0xCBF43926u, ReferenceKeys.Crc32("123456789"u8));
    }

    [Fact]
    public void Crc32_Empty_IsZero()
    {
        Assert.Equal(0u, ReferenceKeys.Crc32([]));
    }

    [Fact]
    public void Crc32_QuickBrownFox_MatchesZlib()
    {
        // zlib.crc32(b"The quick brown fox jumps over the lazy dog") == 0x414FA339
        Assert.Equal(0x414FA339u, ReferenceKeys.Crc32(Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog")));
    }

    [Fact]
    public void ToBase62_KnownValues_UseAlphabetOrder()
    {
        Assert.Equal("000", ReferenceKeys.ToBase62(0, 3));
        Assert.Equal("00z", ReferenceKeys.ToBase62(61, 3));
        Assert.Equal("010", ReferenceKeys.ToBase62(62, 3));
        Assert.Equal("0A0", ReferenceKeys.ToBase62(620, 3));
        Assert.Equal(12345678901234567890UL, (ulong)ReferenceKeys.FromBase62(ReferenceKeys.ToBase62(12345678901234567890UL, 11)));
    }
}
