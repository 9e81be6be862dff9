using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>A throwaway server certificate for 127.0.0.1/localhost, written as a password-protected PFX for Kestrel.</summary>
public static class SelfSignedCertificate
{
    public const string Password = "e2e-test-certificate";

    /// <summary>Writes a fresh certificate to <paramref name="path"/> (PKCS#12, <see cref="Password"/>); returns its SHA-256 thumbprint, for clients to pin.</summary>
    public static string Write(string path)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
