using ApiGateway.Gateway.IdentityToken;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Tests.IdentityToken;
using ApiGateway.Gateway.Transforms;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Tests.Transforms;

/// <summary>
/// The signed identity added to a forwarded request, one transform at a time over a real issuer and key files: only on
/// key routes, only for a verified key, for the cluster the request is actually forwarded to. The gateway's forwards
/// are in IdentityTokenGatewayTests.
/// </summary>
public sealed class IdentityTokenTransformProviderTests : IAsyncLifetime
{
    private IdentityTokenHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await IdentityTokenHarness.StartAsync();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TransformBuilderContext Apply(Dictionary<string, string> metadata)
    {
        var context = new TransformBuilderContext
        {
            Route = new RouteConfig { RouteId = "orders", ClusterId = "main", Metadata = metadata },
            Services = new ServiceCollection().BuildServiceProvider(),
        };
        new IdentityTokenTransformProvider(_harness.Issuer, new RouteAccessTable()).Apply(context);
        return context;
    }

    private static async Task<HttpRequestMessage> ForwardAsync(RequestTransform transform, HttpContext http)
    {
        var proxyRequest = new HttpRequestMessage(HttpMethod.Get, "http://upstream/v1/orders/1");
        await transform.ApplyAsync(new RequestTransformContext
        {
            HttpContext = http,
            ProxyRequest = proxyRequest,
            Path = http.Request.Path,
            Query = new QueryTransformContext(http.Request),
            DestinationPrefix = "http://upstream",
        });
        return proxyRequest;
    }

    [Fact]
    public void Apply_PublicRoute_AddsNoTransform()
    {
        Assert.Empty(Apply(new() { ["Public"] = "true" }).RequestTransforms);
    }

    /// <summary>The audience is the cluster the request goes to (a test key's TestCluster, here), the workspace the one it selected.</summary>
    [Fact]
    public async Task Forward_VerifiedKey_TokenForTheForwardedClusterAndSelectedWorkspace()
    {
        var transform = Assert.Single(Apply(new() { ["Resource"] = "orders", ["TestCluster"] = "sandbox" }).RequestTransforms);
        var http = new DefaultHttpContext();
        http.Features.Set<IReverseProxyFeature>(new ProxiedTo("sandbox"));
        var feature = ApiKeyRequestFeature.For(http);
        feature.CachedKey = IdentityTokenHarness.Key();
        feature.Key = feature.CachedKey.Key;
        feature.WorkspaceId = "ws_other";

        using var forwarded = await ForwardAsync(transform, http);

        var token = Assert.Single(forwarded.Headers.GetValues(IdentityTokenClaims.Header));
        var validated = await _harness.ValidateAsync(token, "sandbox");
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.False((await _harness.ValidateAsync(token, "main")).IsValid);
        var jwt = new JsonWebToken(token);
        Assert.Equal("key_1", jwt.Subject);
        Assert.Equal("ws_other", jwt.GetClaim(IdentityTokenClaims.WorkspaceId).Value);
    }

    [Fact]
    public async Task Forward_NoWorkspaceSelected_TheKeysOwn()
    {
        var transform = Assert.Single(Apply(new() { ["Resource"] = "orders" }).RequestTransforms);
        var http = new DefaultHttpContext();
        http.Features.Set<IReverseProxyFeature>(new ProxiedTo("main"));
        var feature = ApiKeyRequestFeature.For(http);
        feature.CachedKey = IdentityTokenHarness.Key();
        feature.Key = feature.CachedKey.Key;

        using var forwarded = await ForwardAsync(transform, http);

        Assert.Equal("ws_main", new JsonWebToken(Assert.Single(forwarded.Headers.GetValues(IdentityTokenClaims.Header))).GetClaim(IdentityTokenClaims.WorkspaceId).Value);
    }

    /// <summary>No verified key, no token: a request that reached the proxy without one never gets an identity.</summary>
    [Fact]
    public async Task Forward_NoVerifiedKey_NoToken()
    {
        var transform = Assert.Single(Apply(new() { ["Resource"] = "orders" }).RequestTransforms);
        var http = new DefaultHttpContext();
        http.Features.Set<IReverseProxyFeature>(new ProxiedTo("main"));
        ApiKeyRequestFeature.For(http).FailureReason = "invalid";

        using var forwarded = await ForwardAsync(transform, http);

        Assert.False(forwarded.Headers.Contains(IdentityTokenClaims.Header));
    }
}
