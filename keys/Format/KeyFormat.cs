using System.Buffers;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace ApiGateway.Keys.Format;

/// <summary>
/// Mints and checks credentials shaped <c>{prefix}_{mode}_{random}{checksum}</c> (README.md, the key format):
/// 43 base62 digits of a 256-bit CSPRNG number, then the CRC-32 of everything before it in 6 base62 digits.
/// Parsing never touches the store, so typos and truncations are refused for free.
/// </summary>
public sealed class KeyFormat
{
    public const int RandomLength = 43;
    public const int ChecksumLength = 6;
    public const int VisiblePrefixLength = 16;
    private const int MaxModeLength = 5;

    private readonly string _prefix;

    public KeyFormat(string prefix)
    {
        if (!IsValidProductPrefix(prefix))
        {
            throw new ArgumentException("A key prefix is 1-20 characters of a-z and 0-9.", nameof(prefix));
        }
        _prefix = prefix;
    }

    public string Prefix => _prefix;

    /// <summary>The longest credential this format can produce; anything longer is refused before parsing.</summary>
    public int MaxLength => _prefix.Length + 2 + MaxModeLength + RandomLength + ChecksumLength;

    public static bool IsValidProductPrefix(string? prefix) =>
        !string.IsNullOrEmpty(prefix) && prefix.Length <= 20 && prefix.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    public string Mint(KeyMode mode)
    {
        var modeText = mode.ToWire();
        var length = _prefix.Length + 1 + modeText.Length + 1 + RandomLength + ChecksumLength;
        return string.Create(length, (_prefix, modeText), static (span, state) =>
        {
            var (prefix, modeText) = state;
            prefix.AsSpan().CopyTo(span);
            var at = prefix.Length;
            span[at++] = '_';
            modeText.AsSpan().CopyTo(span[at..]);
            at += modeText.Length;
            span[at++] = '_';

            Span<byte> random = stackalloc byte[32];
            RandomNumberGenerator.Fill(random);
            Base62.Encode(random, span.Slice(at, RandomLength));
            CryptographicOperations.ZeroMemory(random);
            at += RandomLength;

            Base62.Encode(Checksum(span[..at]), span.Slice(at, ChecksumLength));
        });
    }

    /// <summary>Checks shape, product prefix, mode and checksum. Allocates nothing.</summary>
    public bool TryParse(ReadOnlySpan<char> token, out KeyMode mode)
    {
        mode = default;
        if (token.Length > MaxLength || !token.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = token[_prefix.Length..];
        if (rest.Length < 2 || rest[0] != '_')
        {
            return false;
        }
        rest = rest[1..];
        var separator = rest.IndexOf('_');
        if (separator <= 0 || !KeyModeNames.TryParse(rest[..separator], out mode))
        {
            return false;
        }
        var body = rest[(separator + 1)..];
        if (body.Length != RandomLength + ChecksumLength)
        {
            return false;
        }
        foreach (var c in body)
        {
            if (!Base62.IsDigit(c))
            {
                return false;
            }
        }
        var checked_ = token[..^ChecksumLength];
        Span<char> expected = stackalloc char[ChecksumLength];
        Base62.Encode(Checksum(checked_), expected);
        return expected.SequenceEqual(token[^ChecksumLength..]);
    }

    /// <summary>The part of a key that may be shown in lists: its first 16 characters.</summary>
    public static string VisiblePrefix(string key) => key[..Math.Min(VisiblePrefixLength, key.Length)];

    private static uint Checksum(ReadOnlySpan<char> text)
    {
        // Everything checked here is ASCII (validated above, or written by Mint), so UTF-8 is one byte per char.
        var byteCount = Encoding.UTF8.GetByteCount(text);
        byte[]? rented = null;
        var bytes = byteCount <= 256 ? stackalloc byte[byteCount] : (rented = ArrayPool<byte>.Shared.Rent(byteCount)).AsSpan(0, byteCount);
        try
        {
            Encoding.UTF8.GetBytes(text, bytes);
            return Crc32.HashToUInt32(bytes);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
