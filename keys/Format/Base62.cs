namespace ApiGateway.Keys.Format;

/// <summary>Base62 (<c>0-9A-Za-z</c>, most significant digit first) as the key format (README.md) uses it.</summary>
public static class Base62
{
    public const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static bool IsDigit(char c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z');

    /// <summary>Writes <paramref name="bigEndian"/> as an unsigned integer, left-padded with '0' to fill <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The number needs more digits than <paramref name="destination"/> holds.</exception>
    public static void Encode(ReadOnlySpan<byte> bigEndian, Span<char> destination)
    {
        // Schoolbook long division by 62 on a scratch copy: 32 bytes need 43 digits, so this is ~1.4k byte ops.
        Span<byte> number = stackalloc byte[bigEndian.Length];
        bigEndian.CopyTo(number);
        var start = 0;
        for (var position = destination.Length - 1; position >= 0; position--)
        {
            var remainder = 0;
            for (var i = start; i < number.Length; i++)
            {
                var accumulator = (remainder << 8) | number[i];
                number[i] = (byte)(accumulator / 62);
                remainder = accumulator % 62;
            }
            destination[position] = Alphabet[remainder];
            while (start < number.Length && number[start] == 0)
            {
                start++;
            }
        }
        if (start < number.Length)
        {
            throw new ArgumentException("The destination is too short for the number.", nameof(destination));
        }
    }

    /// <summary>Writes <paramref name="value"/> left-padded with '0' to fill <paramref name="destination"/>.</summary>
    public static void Encode(uint value, Span<char> destination)
    {
        for (var position = destination.Length - 1; position >= 0; position--)
        {
            destination[position] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
        if (value != 0)
        {
            throw new ArgumentException("The destination is too short for the number.", nameof(destination));
        }
    }
}
