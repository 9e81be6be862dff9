using System.Numerics;
using System.Text;

namespace ApiGateway.Keys.Tests.Format;

/// <summary>
/// An independent implementation of the key format (README.md) (BigInteger base62, bitwise CRC-32), so the tests check
/// the production code against the contract rather than against itself.
/// </summary>
internal static class ReferenceKeys
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string ToBase62(BigInteger value, int width)
    {
        var digits = new StringBuilder();
        while (value > 0)
        {
            digits.Insert(0, Alphabet[(int)(value % 62)]);
            value /= 62;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(width, digits.Length);
        return digits.ToString().PadLeft(width, '0');
    }

    public static BigInteger FromBase62(string digits)
    {
        var value = BigInteger.Zero;
        foreach (var c in digits)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                throw new FormatException($"'{c}' is not a base62 digit.");
            }
            value = (value * 62) + digit;
        }
        return value;
    }

    /// <summary>Reads bytes as an unsigned big-endian integer.</summary>
    public static BigInteger FromBigEndian(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    /// <summary>CRC-32/IEEE (zlib's): reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF, bit by bit.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    public static string Checksum(string body) => ToBase62(Crc32(Encoding.UTF8.GetBytes(body)), 6);

    /// <summary>Builds a key exactly as the contract spells it: <c>{prefix}_{mode}_{random}{checksum}</c>.</summary>
    public static string Build(string prefix, string mode, ReadOnlySpan<byte> random32)
    {
        var body = $"{prefix}_{mode}_{ToBase62(FromBigEndian(random32), 43)}";
        return body + Checksum(body);
    }
}
