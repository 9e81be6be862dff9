using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace ApiGateway.Keys.Format;

/// <summary>
/// Hashes credentials for storage and lookup: SHA-256, or HMAC-SHA-256 keyed with the configured pepper,
/// so a stolen database alone cannot confirm guesses. Keys carry 256 bits of entropy, so no slow KDF is needed.
/// </summary>
public sealed class KeyHasher
{
    private readonly byte[]? _pepper;

    public KeyHasher(string? pepper)
    {
        _pepper = string.IsNullOrEmpty(pepper) ? null : Encoding.UTF8.GetBytes(pepper);
    }

    public KeyHash Hash(ReadOnlySpan<char> key)
    {
        var byteCount = Encoding.UTF8.GetByteCount(key);
        byte[]? rented = null;
        var bytes = byteCount <= 512 ? stackalloc byte[byteCount] : (rented = ArrayPool<byte>.Shared.Rent(byteCount)).AsSpan(0, byteCount);
        Span<byte> digest = stackalloc byte[KeyHash.Size];
        try
        {
            Encoding.UTF8.GetBytes(key, bytes);
            if (_pepper is null)
            {
                SHA256.HashData(bytes, digest);
            }
            else
            {
                HMACSHA256.HashData(_pepper, bytes, digest);
            }
            return new KeyHash(digest);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
