using ApiGateway.Gateway.ForwardAuth;

namespace ApiGateway.Gateway.Tests.ForwardAuth;

public sealed class ForwardedRequestTargetTests
{
    [Theory]
    [InlineData("/v1/contacts", "/v1/contacts", "")]
    [InlineData("/v1/contacts?limit=5&x=%20", "/v1/contacts", "?limit=5&x=%20")] // the query stays raw
    [InlineData("/v1/caf%C3%A9", "/v1/café", "")]                                   // UTF-8 decoded
    [InlineData("/v1/a%2Fb/c%2fd", "/v1/a%2Fb/c%2Fd", "")]                          // an encoded separator never splits a segment
    [InlineData("/v1/%FF", "/v1/%FF", "")]                                          // an invalid sequence stays encoded
    [InlineData("/v1/../admin", "/v1/../admin", "")]                                // dot segments left for the edge's path rule
    public void TryParse_OriginForm_PathAsKestrelDecodesItAndRawQuery(string target, string path, string query)
    {
        Assert.True(ForwardedRequestTarget.TryParse(target, out var parsedPath, out var parsedQuery));

        Assert.Equal(path, parsedPath);
        Assert.Equal(query, parsedQuery);
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1/contacts")]
    [InlineData("http://evil.example/v1/contacts")] // absolute form
    [InlineData("/v1/con tacts")]
    [InlineData("/v1/contacts\u00e9")]
    [InlineData("/v1/\tcontacts")]
    public void TryParse_NotVisibleAsciiOriginForm_False(string target)
    {
        Assert.False(ForwardedRequestTarget.TryParse(target, out _, out _));
    }
}
