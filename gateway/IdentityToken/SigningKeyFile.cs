using System.Security.Cryptography;

namespace ApiGateway.Gateway.IdentityToken;

/// <summary>
/// Reads signing keys from PEM files (PKCS#8 <c>PRIVATE KEY</c> or SEC1 <c>EC PRIVATE KEY</c>, curve P-256), and creates
/// the gateway's own key file once, mode 0600, safely when several gateways start at once on one data directory.
/// </summary>
internal static class SigningKeyFile
{
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Reads and checks one key file; every problem is an <see cref="InvalidDataException"/> naming the file.</summary>
    public static SigningKey Read(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"cannot read '{path}': {ex.Message}", ex);
        }
        return Parse(pem, path);
    }

    /// <summary>Parses a PEM private key; <paramref name="source"/> names it in errors (never the key itself).</summary>
    public static SigningKey Parse(string pem, string source)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            // A public-key PEM imports fine but cannot sign.
            var parameters = key.ExportParameters(includePrivateParameters: true);
            if (parameters.Curve.Oid?.Value != P256Oid)
            {
                throw new InvalidDataException($"'{source}' holds an EC key on {parameters.Curve.Oid?.FriendlyName ?? "another curve"}; ES256 needs P-256 (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256).");
            }
            return new SigningKey(key);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException($"'{source}' is not a PEM EC P-256 private key ({ex.GetType().Name}).", ex);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Returns the key in <paramref name="path"/>, creating the file first when there is none. Creation happens under an
    /// exclusive lock on <c>{path}.lock</c> (another gateway starting on the same data directory waits, then reads the
    /// winner's key) and lands by rename, so the key file is never seen half-written. Rename alone is not enough:
    /// two gateways could each rename their own key into place and sign with different keys.
    /// </summary>
    public static async Task<(SigningKey Key, bool Created)> LoadOrCreateAsync(string path, TimeProvider time, CancellationToken cancellationToken)
    {
        path = Path.GetFullPath(path);
        if (File.Exists(path))
        {
            return (Read(path), false);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = time.GetUtcNow() + LockTimeout;
        while (true)
        {
            FileStream? lockFile = null;
            try
            {
                lockFile = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (time.GetUtcNow() < deadline)
            {
                // Another process holds the lock while it creates the key.
            }
            if (lockFile is not null)
            {
                using (lockFile)
                {
                    if (File.Exists(path))
                    {
                        return (Read(path), false);
                    }
                    Create(path);
                    return (Read(path), true);
                }
            }
            await Task.Delay(LockRetry, time, cancellationToken);
        }
    }

    private static void Create(string path)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(pem);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
