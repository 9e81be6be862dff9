using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Proxy;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Scopes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// A key in the URL is refused with 400 on every proxy route, public ones included, before any key is read: by a
/// parameter named like a key (as lenient upstreams read names), or by one of our own keys anywhere in it. The step
/// alone on a bare pipeline; the gateway's answer is in IdentityHeadersTransformProviderTests.
/// </summary>
public sealed class QueryStringKeysTests
{
    private static readonly KeyFormat Format = new("agw");
    private static readonly string Key = Format.Mint(KeyMode.Live);

    private static RouteAccess Route(bool isPublic)
    {
        var policy = RouteScopePolicy.Parse(new Dictionary<string, string> { [isPublic ? "Public" : "Resource"] = isPublic ? "true" : "contacts" }, out var problems);
        Assert.Empty(problems);
        return new RouteAccess("contacts", policy);
    }

    private static async Task<(HttpContext Context, bool Reached)> SendAsync(string path, string query, RouteAccess? route)
    {
        var reached = false;
        var app = new ApplicationBuilder(new ServiceCollection().AddSingleton(Format).BuildServiceProvider());
        app.UseQueryStringKeysRefused();
        app.Run(_ =>
        {
            reached = true;
            return Task.CompletedTask;
        });
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        if (route is not null)
        {
            context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(route), route.RouteId));
        }
        await app.Build()(context);
        return (context, reached);
    }

    public static TheoryData<string, bool> RefusedQueries => new()
    {
        { "?api_key=abc", false },
        { "?API_KEY=", true },            // any case, any value, even empty; public routes too
        { "?access_token", false },
        { "?+api_key=1", false },         // names as lenient upstreams read them
        { "?a=1;token=2", true },
        { "?KEY%00=1", false },
        { $"?q={Key}", true },           // our own key under any name
    };

    [Theory]
    [MemberData(nameof(RefusedQueries))]
    public async Task Request_KeyInTheQuery_400ProblemAndNeverGoesOn(string query, bool publicRoute)
    {
        var (context, reached) = await SendAsync("/v1/contacts", query, Route(publicRoute));

        Assert.False(reached);
        Assert.Equal(GatewayProblems.QueryStringKey.Status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(AuthFailureReasons.QueryKey, context.Features.Get<ApiKeyRequestFeature>()?.FailureReason);
    }

    [Fact]
    public async Task Request_OurKeyAsAPathSegment_Refused()
    {
        var (context, reached) = await SendAsync($"/v1/contacts/{Key}", "", Route(isPublic: false));

        Assert.False(reached);
        Assert.Equal(GatewayProblems.QueryStringKey.Status, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("?keyword=1&tokens=2&monkey=3")] // names that only contain a key's name
    [InlineData("?q=agw_live_short")]           // not one of our keys: wrong length, no checksum
    [InlineData("")]
    public async Task Request_NoKeyInTheUrl_GoesOn(string query)
    {
        var (context, reached) = await SendAsync("/v1/contacts", query, Route(isPublic: false));

        Assert.True(reached);
        Assert.Null(context.Features.Get<ApiKeyRequestFeature>());
    }

    /// <summary>No route: the unmatched-route 404 answers it, and internal endpoints take no key at all.</summary>
    [Fact]
    public async Task Request_NoRoute_GoesOn()
    {
        var (_, reached) = await SendAsync("/healthz", "?api_key=abc", route: null);

        Assert.True(reached);
    }
}
