using ApiGateway.AdminApi.Authentication;

namespace ApiGateway.AdminApi.Tests.Authentication;

public sealed class BearerTokenTests
{
    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer abc", "abc")]
    [InlineData("BEARER\tabc", "abc")]
    [InlineData("  Bearer   abc  ", "abc")]
    [InlineData("Bearer \t abc", "abc")]
    public void TryRead_BearerToken_ReturnsToken(string header, string expected)
    {
        Assert.True(BearerToken.TryRead(header, out var token));
        Assert.Equal(expected, token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    [InlineData("Bearerabc")]
    [InlineData("Basic abc")]
    [InlineData("abc")]
    public void TryRead_NoBearerToken_ReturnsFalse(string? header)
    {
        Assert.False(BearerToken.TryRead(header, out _));
    }
}
