using ApiGateway.Gateway.ForwardAuth;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.IdentityToken;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Tests.IdentityToken;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Scopes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Options = Microsoft.Extensions.Options.Options;

namespace ApiGateway.Gateway.Tests.ForwardAuth;

/// <summary>
/// The answer to an admitted forward-auth question, alone over a real issuer and key files: 200 and no body, the key's
/// identity as the edge would send it upstream, and the signed token for the route's cluster when that is on. The
/// questions through a gateway are in ForwardAuthQuestionsTests.
/// </summary>
public sealed class ForwardAuthAnswersTests : IAsyncLifetime
{
    private IdentityTokenHarness _harness = null!;

    public async ValueTask InitializeAsync() => _harness = await IdentityTokenHarness.StartAsync();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private ForwardAuthAnswers Answers(bool signs, string workspaceHeader = "X-Workspace-Id") => new(
        Options.Create(new GatewayOptions { WorkspaceHeader = workspaceHeader }),
        Options.Create(new IdentityTokenOptions { Enabled = signs }),
        _harness.Issuer);

    private static RouteAccess Route(Dictionary<string, string> metadata)
    {
        var policy = RouteScopePolicy.Parse(metadata, out var problems);
        Assert.Empty(problems);
        return new RouteAccess("orders", policy);
    }

    private static DefaultHttpContext Question(string clusterId, string? workspaceId = null, bool withKey = true)
    {
        var http = new DefaultHttpContext();
        var route = new RouteModel(new RouteConfig { RouteId = "orders", ClusterId = clusterId }, cluster: null, HttpTransformer.Empty);
        http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(route), "orders"));
        if (withKey)
        {
            var feature = ApiKeyRequestFeature.For(http);
            feature.CachedKey = IdentityTokenHarness.Key(owner: "user_1", mode: KeyMode.Test);
            feature.Key = feature.CachedKey.Key;
            feature.WorkspaceId = workspaceId;
        }
        return http;
    }

    [Fact]
    public async Task Answer_KeyRoute_200EmptyWithTheIdentityAndATokenForTheRoutesCluster()
    {
        var http = Question("main", workspaceId: "ws_other");

        await Answers(signs: true, workspaceHeader: "X-Tenant").AnswerAsync(http, Route(new() { ["Resource"] = "orders" }));

        var response = http.Response;
        Assert.Equal(StatusCodes.Status200OK, response.StatusCode);
        Assert.Equal(0, response.ContentLength);
        Assert.Equal("ws_other", response.Headers["X-Tenant"]);
        Assert.Equal("key_1", response.Headers["X-Api-Key-Id"]);
        Assert.Equal("test", response.Headers["X-Api-Key-Mode"]);
        Assert.Equal("user_1", response.Headers["X-Api-Key-Owner"]);
        string token = response.Headers[IdentityTokenClaims.Header]!;
        var validated = await _harness.ValidateAsync(token, "main");
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.Equal("ws_other", new JsonWebToken(token).GetClaim(IdentityTokenClaims.WorkspaceId).Value);
    }

    [Fact]
    public async Task Answer_SigningOff_IdentityWithoutToken()
    {
        var http = Question("main");

        await Answers(signs: false).AnswerAsync(http, Route(new() { ["Resource"] = "orders" }));

        Assert.Equal("ws_main", http.Response.Headers["X-Workspace-Id"]); // no workspace selected: the key's own
        Assert.False(http.Response.Headers.ContainsKey(IdentityTokenClaims.Header));
    }

    /// <summary>A public route ignores any credential, as the edge does: no identity, whatever the request carried.</summary>
    [Fact]
    public async Task Answer_PublicRoute_200WithoutIdentityEvenWithAKey()
    {
        var http = Question("main");

        await Answers(signs: true).AnswerAsync(http, Route(new() { ["Public"] = "true" }));

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.Equal(0, http.Response.ContentLength);
        Assert.DoesNotContain(http.Response.Headers, h => h.Key.StartsWith("X-Api-Key", StringComparison.OrdinalIgnoreCase) || h.Key == "X-Workspace-Id");
    }
}
