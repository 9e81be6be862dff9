using System.Net;
using ApiGateway.Gateway.Proxy;
using ApiGateway.Keys.Format;
using Microsoft.AspNetCore.Http;

namespace ApiGateway.Gateway.Tests.Proxy;

public sealed class KeysInUrlTests
{
    private static readonly KeyFormat Format = new("agw");
    private static readonly string Key = Format.Mint(KeyMode.Live);
    private static readonly KeysInUrl Finder = new(Format);

    private static bool Present(string path, string? query = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }
        return Finder.Present(context.Request);
    }

    public static TheoryData<string> QueriesWithAKey => new()
    {
        $"?q={Key}",
        $"?x-api-key={Key}",
        $"?{Key}",
        $"?authorization=Bearer%20{Key}",
        $"?a=1&note={WebUtility.UrlEncode(" " + Key + " ")}",
        $"?%61gw=1&x={Key[..3]}%5F{Key[4..]}", // an escaped underscore is still the key once decoded
    };

    [Theory]
    [MemberData(nameof(QueriesWithAKey))]
    public void Present_OurKeyAnywhereInTheQuery_True(string query)
    {
        Assert.True(Present("/v1/contacts", query));
    }

    [Fact]
    public void Present_OurKeyAsAPathSegment_True()
    {
        Assert.True(Present($"/v1/contacts/{Key}/notes"));
    }

    [Theory]
    [InlineData("?q=agw_live_notakey")]
    [InlineData("?q=hello%20world")]
    [InlineData("")]
    public void Present_NoWellFormedKey_False(string query)
    {
        Assert.False(Present("/v1/contacts", query));
    }

    [Fact]
    public void Present_KeyWithABrokenChecksum_False()
    {
        var broken = Key[..^1] + (Key[^1] == 'A' ? 'B' : 'A');

        Assert.False(Present($"/v1/{broken}", $"?q={broken}"));
    }

    [Fact]
    public void Present_AnotherProductsPrefix_False()
    {
        var foreign = new KeyFormat("xyz").Mint(KeyMode.Live);

        Assert.False(Present($"/v1/{foreign}", $"?q={foreign}"));
    }
}
