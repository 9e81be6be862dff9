using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost, made in the test (no key material checked in),
/// written as a password-protected PFX where a process under test loads it.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    public const string Password = "test-only";

    private TestCertificate(X509Certificate2 certificate) => Certificate = certificate;

    public X509Certificate2 Certificate { get; }

    public string Thumbprint => Certificate.Thumbprint;

    public static TestCertificate Create(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificate(request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1)));
    }

    /// <summary>Writes the PFX to <paramref name="path"/> atomically (aside, then renamed into place), as a renewal job does.</summary>
    public void WritePfx(string path)
    {
        var aside = path + ".new";
        File.WriteAllBytes(aside, Certificate.Export(X509ContentType.Pfx, Password));
        File.Move(aside, path, overwrite: true);
    }

    /// <summary>
    /// An HTTPS client that trusts exactly <paramref name="trusted"/>, opens a new connection (a new handshake) for every
    /// request, and reports the thumbprint each server presented to <paramref name="presented"/>.
    /// </summary>
    public static HttpClient CreateClient(Uri baseAddress, IReadOnlyCollection<TestCertificate> trusted, Action<string>? presented = null)
    {
        var thumbprints = trusted.Select(c => c.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    var thumbprint = certificate?.GetCertHashString();
                    if (thumbprint is not null)
                    {
                        presented?.Invoke(thumbprint);
                    }
                    return thumbprint is not null && thumbprints.Contains(thumbprint);
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose() => Certificate.Dispose();
}
