using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ApiGateway.Keys.Format;

/// <summary>
/// A 32-byte key digest held in four longs, so it can key a dictionary without allocating.
/// Its <see cref="ToString"/> deliberately reveals nothing: a hash must never reach a log.
/// </summary>
public readonly struct KeyHash : IEquatable<KeyHash>
{
    public const int Size = 32;
    private readonly ulong _a, _b, _c, _d;

    public KeyHash(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != Size)
        {
            throw new ArgumentException("A key hash is 32 bytes.", nameof(digest));
        }
        _a = BinaryPrimitives.ReadUInt64LittleEndian(digest);
        _b = BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]);
        _c = BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]);
        _d = BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), _b);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), _c);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), _d);
        return bytes;
    }

    /// <summary>Constant-time comparison, for the places where a hash is compared rather than looked up.</summary>
    public bool FixedTimeEquals(KeyHash other)
    {
        Span<byte> left = stackalloc byte[Size];
        Span<byte> right = stackalloc byte[Size];
        WriteTo(left);
        other.WriteTo(right);
        return CryptographicOperations.FixedTimeEquals(left, right);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _d);
    }

    public bool Equals(KeyHash other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is KeyHash other && Equals(other);

    // The digest is uniformly distributed already; its first 8 bytes are a fine hash code.
    public override int GetHashCode() => (int)(_a ^ (_a >> 32));

    public override string ToString() => "KeyHash(redacted)";

    public static bool operator ==(KeyHash left, KeyHash right) => left.Equals(right);

    public static bool operator !=(KeyHash left, KeyHash right) => !left.Equals(right);
}
