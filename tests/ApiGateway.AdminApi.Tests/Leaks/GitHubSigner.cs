using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ApiGateway.AdminApi.Tests.Leaks;

/// <summary>Plays GitHub: an ECDSA P-256 key pair per id, a public keys document in GitHub's meta format, signed reports.</summary>
internal sealed class GitHubSigner : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    public ECDsa Key(string id)
    {
        if (!_keys.TryGetValue(id, out var key))
        {
            _keys[id] = key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        }
        return key;
    }

    /// <summary>Writes GitHub's <c>/meta/public_keys/secret_scanning</c> document with the public halves of <paramref name="ids"/>.</summary>
    public void WriteDocument(string path, params string[] ids)
    {
        var keys = new JsonArray();
        foreach (var id in ids)
        {
            keys.Add(new JsonObject { ["key_identifier"] = id, ["key"] = Key(id).ExportSubjectPublicKeyInfoPem(), ["is_current"] = true });
        }
        var temp = path + ".tmp";
        File.WriteAllText(temp, new JsonObject { ["public_keys"] = keys }.ToJsonString());
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The <c>Github-Public-Key-Signature</c> value: base64 of the ASN.1/DER signature of the raw body.</summary>
    public string Sign(string id, byte[] body) =>
        Convert.ToBase64String(Key(id).SignData(body, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
