using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace ApiGateway.Gateway.Tests.IdentityToken;

/// <summary>EC keys as PEM files, and their RFC 7638 thumbprint computed independently of the gateway's code.</summary>
internal static class TestSigningKeys
{
    public static string NewPem(ECCurve? curve = null)
    {
        using var key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Writes atomically (aside, then rename), as a deploy tool or a secret mount would.</summary>
    public static void Write(string path, string pem)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, pem);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace, base64url.</summary>
    public static string Thumbprint(string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        var q = key.ExportParameters(false).Q;
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{Base64UrlEncoder.Encode(q.X)}}","y":"{{Base64UrlEncoder.Encode(q.Y)}}"}""";
        return Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
