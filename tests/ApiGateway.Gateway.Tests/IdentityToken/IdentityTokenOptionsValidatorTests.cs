using ApiGateway.Gateway.IdentityToken;

namespace ApiGateway.Gateway.Tests.IdentityToken;

public sealed class IdentityTokenOptionsValidatorTests
{
    private static List<string> Failures(IdentityTokenOptions options) =>
        new IdentityTokenOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Fact]
    public void Validate_Defaults_Succeeds() => Assert.Empty(Failures(new IdentityTokenOptions()));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(301)]
    public void Validate_LifetimeOutOfRange_NamesTheSetting(int seconds)
    {
        var failure = Assert.Single(Failures(new IdentityTokenOptions { LifetimeSeconds = seconds }));
        Assert.Contains("Gateway:IdentityToken:LifetimeSeconds must be 1-300", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryProblem_ReportedAtOnce()
    {
        var dir = Directory.CreateTempSubdirectory("identity-options-");
        try
        {
            var p384 = Path.Combine(dir.FullName, "p384.pem");
            TestSigningKeys.Write(p384, TestSigningKeys.NewPem(System.Security.Cryptography.ECCurve.NamedCurves.nistP384));
            var good = Path.Combine(dir.FullName, "good.pem");
            TestSigningKeys.Write(good, TestSigningKeys.NewPem());

            var failures = Failures(new IdentityTokenOptions
            {
                Enabled = true,
                Issuer = " ",
                LifetimeSeconds = 1000,
                SigningKeyFiles = [good, Path.Combine(dir.FullName, "missing.pem"), p384],
            });

            Assert.Equal(4, failures.Count);
            Assert.Contains(failures, f => f.Contains("Issuer", StringComparison.Ordinal));
            Assert.Contains(failures, f => f.Contains("missing.pem", StringComparison.Ordinal));
            Assert.Contains(failures, f => f.Contains("p384.pem", StringComparison.Ordinal) && f.Contains("P-256", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Validate_Disabled_FilesNotRead()
    {
        Assert.Empty(Failures(new IdentityTokenOptions { SigningKeyFiles = ["/nonexistent/key.pem"] }));
    }
}
