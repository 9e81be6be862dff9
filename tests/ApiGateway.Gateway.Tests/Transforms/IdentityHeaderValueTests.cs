using ApiGateway.Gateway.Transforms;

namespace ApiGateway.Gateway.Tests.Transforms;

public sealed class IdentityHeaderValueTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("ws_acme-1.prod")]
    [InlineData("a!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~z")]
    public void Sendable_VisibleAscii_AsItIs(string value)
    {
        Assert.Same(value, IdentityHeaderValue.Sendable(value));
    }

    [Theory]
    [InlineData("josé", "jos%C3%A9")]
    [InlineData("two words", "two%20words")]
    [InlineData("line\r\nInjected: yes", "line%0D%0AInjected%3A%20yes")]
    [InlineData("tab\tand%", "tab%09and%25")] // once one byte needs it, the whole value is encoded: '%' too
    public void Sendable_AnythingElse_PercentEncodedUtf8(string value, string expected)
    {
        Assert.Equal(expected, IdentityHeaderValue.Sendable(value));
    }
}
