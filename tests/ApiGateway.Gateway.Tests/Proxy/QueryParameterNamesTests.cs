using System.Collections.Frozen;
using ApiGateway.Gateway.Proxy;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>Parameter names read as PHP, Rack, old Go and Python read them: the one reading every query check uses.</summary>
public sealed class QueryParameterNamesTests
{
    [Theory]
    [InlineData("api_key", "api_key")]
    [InlineData("API-Key", "api_key")]
    [InlineData("%20api_key", "api_key")]
    [InlineData("+ +api_key", "api_key")]
    [InlineData("api_key%00junk", "api_key")]
    [InlineData("api.key", "api_key")]
    [InlineData("api%2Ekey", "api_key")]
    [InlineData("api key", "api_key")]
    [InlineData("api[key", "api_key")]
    [InlineData("api_key[]", "api_key")]
    [InlineData("api_key[0]", "api_key")]
    [InlineData(".method", "_method")]
    [InlineData("api_key%20", "api_key_")] // trailing spaces stay (PHP keeps them, as '_')
    [InlineData("a%zz", "a%zz")]
    public void Normalise_NameInAnotherSpelling_ReadAsUpstreamsDo(string raw, string expected) =>
        Assert.Equal(expected, QueryParameterNames.Normalise(raw));

    [Theory]
    [InlineData("?a=1;token=x")]
    [InlineData("?;token")]
    [InlineData("token")]
    [InlineData("?a=1&&token=")]
    public void Contains_SemicolonOrAmpersandSeparated_Found(string query) =>
        Assert.True(QueryParameterNames.Contains(query, FrozenSet.Create("token")));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("?tokens=1&a=token")]
    [InlineData("?a=token;b=x%3Btoken")]
    public void Contains_OnlyInValuesOrOtherNames_NotFound(string? query) =>
        Assert.False(QueryParameterNames.Contains(query, FrozenSet.Create("token")));

    [Theory]
    [InlineData("?_method=DELETE", "")]
    [InlineData("?a=1;_method=x&b=%20;c", "?a=1&b=%20;c")]
    [InlineData("?_method=x;a=1", "?a=1")]
    [InlineData("?a=1&&b", "?a=1&b")]
    public void Without_NamedParameter_OthersKeptWithTheirSeparators(string query, string expected) =>
        Assert.Equal(expected, QueryParameterNames.Without(query, "_method"));
}
