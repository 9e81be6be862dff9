using ApiGateway.AdminApi.Portal;

namespace ApiGateway.AdminApi.Tests.Portal;

public sealed class PortalOptionsValidatorTests
{
    [Theory]
    [InlineData("'self'", true)]
    [InlineData("'none'", true)]
    [InlineData("'self' https://app.example.com", true)]
    [InlineData("https://*.example.com:8443 http://localhost:3000", true)]
    [InlineData("", false)]
    [InlineData("'self'; script-src *", false)]   // would start another CSP directive
    [InlineData("'none' 'self'", false)]
    [InlineData("*", false)]
    [InlineData("https://app.example.com/path", false)]
    [InlineData("javascript:", false)]
    [InlineData("'unsafe-inline'", false)]
    public void Validate_FrameAncestors_OnlyCspSources(string value, bool valid)
    {
        var result = new PortalOptionsValidator().Validate(null, new PortalOptions { FrameAncestors = value });
        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Portal:FrameAncestors", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_ThemeFileMissing_Fails()
    {
        var result = new PortalOptionsValidator().Validate(null, new PortalOptions { ThemeFile = "/no/such/theme.css" });
        Assert.Contains("Portal:ThemeFile", result.FailureMessage, StringComparison.Ordinal);
    }
}
