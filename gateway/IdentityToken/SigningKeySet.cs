using System.Text.Json;

namespace ApiGateway.Gateway.IdentityToken;

/// <summary>
/// The signing keys in force: the first signs, all are published (so a backend already knows the next key before it
/// signs, and still knows the previous one while its tokens live). Immutable; a reread builds a new set. The JWKS
/// document is serialised once per set.
/// </summary>
internal sealed class SigningKeySet
{
    public SigningKeySet(IReadOnlyList<SigningKey> keys)
    {
        ArgumentOutOfRangeException.ThrowIfZero(keys.Count);
        // The same key listed twice (mid-rotation copies) is published once.
        Keys = [.. keys.DistinctBy(k => k.KeyId, StringComparer.Ordinal)];
        Current = Keys[0];
        Jwks = Serialize(Keys);
    }

    public SigningKey Current { get; }

    public IReadOnlyList<SigningKey> Keys { get; }

    /// <summary>The RFC 7517 key set (public parts only), UTF-8 JSON.</summary>
    public byte[] Jwks { get; }

    public bool SameKeysAs(SigningKeySet other) => Keys.Select(k => k.KeyId).SequenceEqual(other.Keys.Select(k => k.KeyId), StringComparer.Ordinal);

    private static byte[] Serialize(IReadOnlyList<SigningKey> keys)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("keys");
            foreach (var key in keys)
            {
                // Written field by field from the public point: the private scalar has no way in.
                json.WriteStartObject();
                json.WriteString("kty", "EC");
                json.WriteString("use", "sig");
                json.WriteString("alg", "ES256");
                json.WriteString("kid", key.KeyId);
                json.WriteString("crv", SigningKey.Curve);
                json.WriteString("x", key.X);
                json.WriteString("y", key.Y);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
