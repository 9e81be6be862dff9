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
    // One reusable digest per thread. On Linux a one-shot SHA256.HashData/HMACSHA256.HashData sets up a fresh OpenSSL 3
    // digest context (with an implicit algorithm fetch) on every call, which costs more than hashing a key
    // (bench/ApiGateway.Benchmarks: HashPrimitiveBenchmarks). GetHashAndReset leaves these holding no data between
    // calls, so sharing them across hashers and hosts on a thread is safe; an HMAC one is rebuilt when the pepper changes.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;
    [ThreadStatic]
    private static IncrementalHash? t_hmac;
    [ThreadStatic]
    private static byte[]? t_hmacPepper;

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
            var hash = Digest();
            hash.AppendData(bytes);
            hash.GetHashAndReset(digest);
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

    private IncrementalHash Digest()
    {
        if (_pepper is null)
        {
            return t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
        if (t_hmac is null || !ReferenceEquals(t_hmacPepper, _pepper))
        {
            t_hmac?.Dispose();
            t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _pepper);
            t_hmacPepper = _pepper;
        }
        return t_hmac;
    }
}
