using ApiGateway.Keys.Http;
using Microsoft.Extensions.Primitives;

namespace ApiGateway.Keys.Tests.Http;

public sealed class BearerTokenTests
{
    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer abc", "abc")]
    [InlineData("BEARER\tabc", "abc")]
    [InlineData("  Bearer   abc  ", "abc")]
    [InlineData("Bearer \t abc", "abc")]
    [InlineData("\tBearer abc\t", "abc")]
    public void TryRead_BearerToken_ReturnsToken(string header, string expected)
    {
        Assert.Equal(BearerToken.Outcome.Token, BearerToken.TryRead(new StringValues(header), out var token));
        Assert.Equal(expected, token.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer   ")]
    [InlineData("Bearer \t ")]
    [InlineData("Bearerabc")]
    [InlineData("Basic abc")]
    [InlineData("abc")]
    public void TryRead_NoBearerToken_ReturnsNone(string header)
    {
        Assert.Equal(BearerToken.Outcome.None, BearerToken.TryRead(new StringValues(header), out _));
    }

    [Fact]
    public void TryRead_NoHeader_ReturnsNone()
    {
        Assert.Equal(BearerToken.Outcome.None, BearerToken.TryRead(StringValues.Empty, out _));
    }

    [Theory]
    [InlineData("Bearer abc", "Bearer def")]
    [InlineData("Basic abc", "Bearer def")]
    [InlineData("Bearer abc", "")]
    public void TryRead_TwoHeaders_ReturnsAmbiguous(string first, string second)
    {
        Assert.Equal(BearerToken.Outcome.Ambiguous, BearerToken.TryRead(new StringValues([first, second]), out _));
    }

    [Fact]
    public void TryRead_OnlySpacesAndTabsAreTrimmed()
    {
        // HTTP's optional whitespace is spaces and tabs; anything else is part of the token (and fails its format check).
        Assert.Equal(BearerToken.Outcome.Token, BearerToken.TryRead(new StringValues("Bearer abc\v"), out var token));
        Assert.Equal("abc\v", token.ToString());
    }
}
