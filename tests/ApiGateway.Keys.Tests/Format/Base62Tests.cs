using System.Numerics;
using System.Security.Cryptography;
using ApiGateway.Keys.Format;

namespace ApiGateway.Keys.Tests.Format;

public sealed class Base62Tests
{
    [Fact]
    public void Alphabet_IsDigitsUpperLower()
    {
        Assert.Equal(ReferenceKeys.Alphabet, Base62.Alphabet);
    }

    [Fact]
    public void Encode_RandomBytes_MatchesBigIntegerReference()
    {
        Span<char> actual = stackalloc char[43];
        for (var i = 0; i < 2000; i++)
        {
            var bytes = RandomNumberGenerator.GetBytes(32);
            Base62.Encode(bytes, actual);
            Assert.Equal(ReferenceKeys.ToBase62(ReferenceKeys.FromBigEndian(bytes), 43), actual.ToString());
        }
    }

    [Fact]
    public void Encode_LeadingZeroBytes_PadsWithZeroDigits()
    {
        var bytes = new byte[32];
        bytes[31] = 61;
        Span<char> actual = stackalloc char[43];
        Base62.Encode(bytes, actual);
        Assert.Equal(new string('0', 42) + "z", actual.ToString());
    }

    [Fact]
    public void Encode_AllZero_IsAllZeroDigits()
    {
        Span<char> actual = stackalloc char[43];
        Base62.Encode(new byte[32], actual);
        Assert.Equal(new string('0', 43), actual.ToString());
    }

    [Fact]
    public void Encode_Max256BitNumber_FitsIn43Digits()
    {
        var bytes = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        Span<char> actual = stackalloc char[43];
        Base62.Encode(bytes, actual);
        Assert.Equal(ReferenceKeys.ToBase62((BigInteger.One << 256) - 1, 43), actual.ToString());
        Assert.Equal((BigInteger.One << 256) - 1, ReferenceKeys.FromBase62(actual.ToString()));
    }

    [Fact]
    public void Encode_DestinationTooShort_Throws()
    {
        var bytes = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        Assert.Throws<ArgumentException>(() => Base62.Encode(bytes, new char[42]));
    }

    [Fact]
    public void Encode_Bytes_DoesNotModifyInput()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        var copy = bytes.ToArray();
        Base62.Encode(bytes, new char[43]);
        Assert.Equal(copy, bytes);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(61u)]
    [InlineData(62u)]
    [InlineData(0xCBF43926u)]
    [InlineData(uint.MaxValue)]
    public void Encode_UInt_MatchesReference(uint value)
    {
        Span<char> actual = stackalloc char[6];
        Base62.Encode(value, actual);
        Assert.Equal(ReferenceKeys.ToBase62(value, 6), actual.ToString());
    }

    [Fact]
    public void Encode_UIntDestinationTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() => Base62.Encode(uint.MaxValue, new char[5]));
    }

    [Fact]
    public void IsDigit_EveryCharBelow0x3000_MatchesAlphabet()
    {
        for (var c = '\0'; c < '\u3000'; c++)
        {
            Assert.Equal(ReferenceKeys.Alphabet.Contains(c, StringComparison.Ordinal), Base62.IsDigit(c));
        }
        Assert.False(Base62.IsDigit('\uFF10')); // fullwidth zero
    }
}
