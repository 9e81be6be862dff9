using System.Security.Cryptography;
using System.Text.Json;

namespace ApiGateway.AdminApi.Leaks;

/// <summary>
/// GitHub's secret-scanning public keys, from <c>Leaks:GitHubPublicKeysFile</c> in GitHub's own meta format
/// (<c>{ "public_keys": [ { "key_identifier", "key" (PEM), "is_current" } ] }</c>). The file is re-read when its
/// modification time or length changes (checked on each report, a stat call), so a refresh by cron takes effect on the
/// next request; an unreadable or invalid file verifies nothing (every report is then a 401) and is logged once per version.
/// Only ECDSA P-256 keys are taken.
/// </summary>
internal sealed partial class GitHubPublicKeys(IOptions<LeaksOptions> options, ILogger<GitHubPublicKeys> logger)
{
    private readonly Lock _gate = new();
    private Loaded? _loaded;

    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.GitHubPublicKeysFile);

    /// <summary>Whether <paramref name="keyId"/> names a key of the current document (checked before a body is read).</summary>
    public bool Knows(string keyId) => Current().Keys.ContainsKey(keyId);

    /// <summary>Whether <paramref name="signature"/> (base64 ASN.1/DER ECDSA) is a P-256 SHA-256 signature of <paramref name="body"/> by key <paramref name="keyId"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> body, string keyId, string signature)
    {
        if (!Current().Keys.TryGetValue(keyId, out var key))
        {
            return false;
        }
        byte[] der;
        try
        {
            der = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        try
        {
            return key.VerifyData(body, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private Loaded Current()
    {
        var path = options.Value.GitHubPublicKeysFile!;
        var file = new FileInfo(path);
        var version = file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1L);
        lock (_gate)
        {
            if (_loaded is { } loaded && loaded.Version == version)
            {
                return loaded;
            }
            _loaded = new Loaded(version, Load(path));
            return _loaded;
        }
    }

    private Dictionary<string, ECDsa> Load(string path)
    {
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            foreach (var entry in document.RootElement.GetProperty("public_keys").EnumerateArray())
            {
                var id = entry.GetProperty("key_identifier").GetString();
                var pem = entry.GetProperty("key").GetString();
                if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(pem))
                {
                    continue;
                }
                var key = ECDsa.Create();
                key.ImportFromPem(pem);
                if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
                {
                    key.Dispose();
                    Log.KeySkipped(logger, id);
                    continue;
                }
                keys[id] = key;
            }
            Log.Loaded(logger, keys.Count, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
            or InvalidOperationException or ArgumentException or CryptographicException)
        {
            Log.Unreadable(logger, path, e.GetType().Name, e.Message);
            keys.Clear();
        }
        return keys;
    }

    private sealed record Loaded((DateTime, long) Version, Dictionary<string, ECDsa> Keys);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Loaded {Count} GitHub secret-scanning public keys from {Path}.", EventName = "GitHubKeysLoaded")]
        public static partial void Loaded(ILogger logger, int count, string path);

        [LoggerMessage(2, LogLevel.Warning, "GitHub secret-scanning public keys file {Path} is unreadable ({Error}: {Message}); every GitHub report is refused until it is fixed.", EventName = "GitHubKeysUnreadable")]
        public static partial void Unreadable(ILogger logger, string path, string error, string message);

        [LoggerMessage(3, LogLevel.Warning, "GitHub public key {KeyId} is not an ECDSA P-256 key; skipped.", EventName = "GitHubKeySkipped")]
        public static partial void KeySkipped(ILogger logger, string keyId);
    }
}
