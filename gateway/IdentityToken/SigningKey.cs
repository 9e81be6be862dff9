using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ApiGateway.Gateway.IdentityToken;

/// <summary>
/// One EC P-256 key the gateway signs identity tokens with: its <c>kid</c> (the RFC 7638 JWK thumbprint, so every
/// gateway holding the same key names it alike), the ES256 signing credentials and the public half for the JWKS.
/// </summary>
internal sealed class SigningKey
{
    public SigningKey(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var publicPart = key.ExportParameters(includePrivateParameters: false);
        X = Base64UrlEncoder.Encode(publicPart.Q.X);
        Y = Base64UrlEncoder.Encode(publicPart.Q.Y);
        var securityKey = new ECDsaSecurityKey(key);
        KeyId = Base64UrlEncoder.Encode(securityKey.ComputeJwkThumbprint());
        securityKey.KeyId = KeyId;
        Credentials = new SigningCredentials(securityKey, SecurityAlgorithms.EcdsaSha256);
    }

    public const string Curve = "P-256";

    public string KeyId { get; }

    /// <summary>The public point's coordinates, base64url (JWK <c>x</c> and <c>y</c>).</summary>
    public string X { get; }

    public string Y { get; }

    public SigningCredentials Credentials { get; }
}
