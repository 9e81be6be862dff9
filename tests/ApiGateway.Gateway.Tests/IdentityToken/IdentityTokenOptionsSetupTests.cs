using ApiGateway.Gateway.IdentityToken;
using Microsoft.Extensions.Configuration;

namespace ApiGateway.Gateway.Tests.IdentityToken;

public sealed class IdentityTokenOptionsSetupTests
{
    private static IdentityTokenOptions PostConfigure(string? scalar, List<string>? bound = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:IdentityToken:SigningKeyFiles"] = scalar })
            .Build();
        var options = new IdentityTokenOptions { SigningKeyFiles = bound ?? [] };
        new IdentityTokenOptionsSetup(configuration).PostConfigure(null, options);
        return options;
    }

    [Fact]
    public void PostConfigure_CommaSeparatedFiles_InOrderTrimmed()
    {
        Assert.Equal(["/keys/current.pem", "/keys/next.pem"], PostConfigure(" /keys/current.pem, /keys/next.pem ,").SigningKeyFiles);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void PostConfigure_NoScalar_TheBoundListStays(string? scalar)
    {
        Assert.Equal(["/a.pem"], PostConfigure(scalar, bound: ["/a.pem"]).SigningKeyFiles);
    }
}
