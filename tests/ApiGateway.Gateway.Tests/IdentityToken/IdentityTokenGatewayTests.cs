using System.Net;
using ApiGateway.Keys.Format;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ApiGateway.Gateway.Tests.IdentityToken;

/// <summary>What a backend receives with identity tokens on: one token, made by the gateway, verifiable with its JWKS.</summary>
public sealed class IdentityTokenGatewayTests(IdentityTokenGatewayFixture fixture) : IClassFixture<IdentityTokenGatewayFixture>
{
    private const string TokenHeader = "X-Api-Key-Token";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GatewayFactory Gateway => fixture.Gateway;

    private async Task<HttpContext> GetJwksAsync(int localPort) =>
        await Gateway.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/.well-known/jwks.json";
            c.Connection.LocalPort = localPort;
        }, Ct);

    private async Task<TokenValidationResult> ValidateAsync(string token, string audience)
    {
        var jwks = await GetJwksAsync(9091);
        Assert.Equal(200, jwks.Response.StatusCode);
        Assert.Equal("application/json", jwks.Response.ContentType);
        var keys = new JsonWebKeySet(await new StreamReader(jwks.Response.Body).ReadToEndAsync(Ct));
        return await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "api-gateway",
            ValidAudience = audience,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            // The token's times come from the gateway's fake clock.
            ValidateLifetime = false,
        });
    }

    [Fact]
    public async Task Forward_KeyRoute_OneTokenVerifiableWithTheJwks()
    {
        var key = await Gateway.MintAsync(["contacts:read"], workspaceId: "ws_a", workspaces: ["ws_b"], owner: "user_7");
        using var client = Gateway.CreateKeyClient(key.Plaintext);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/contacts/token");
        request.Headers.TryAddWithoutValidation("X-Workspace-Id", "ws_b");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = Assert.Single(Gateway.Upstream.Received.Last(r => r.Path == "/v1/contacts/token").Headers[TokenHeader])!;
        var result = await ValidateAsync(token, "main");
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal(TestSigningKeys.Thumbprint(fixture.CurrentPem), jwt.Kid);
        Assert.Equal(key.Key.Id, jwt.Subject);
        Assert.Equal("ws_b", jwt.GetClaim("workspace_id").Value);
        Assert.Equal("user_7", jwt.GetClaim("owner").Value);
        Assert.Equal("contacts:read", jwt.GetClaim("scope").Value);
        Assert.Equal("live", jwt.GetClaim("mode").Value);
    }

    /// <summary>A test key on a route with a <c>TestCluster</c> goes to the sandbox: the token's audience is the cluster it reached.</summary>
    [Fact]
    public async Task Forward_TestKeyToTestCluster_AudienceIsTheTestCluster()
    {
        var key = await Gateway.MintAsync(["orders:read"], mode: KeyMode.Test);
        using var client = Gateway.CreateKeyClient(key.Plaintext);

        using var response = await client.GetAsync(new Uri("/v1/orders/aud", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = Assert.Single(Gateway.Sandbox.Received.Last(r => r.Path == "/v1/orders/aud").Headers[TokenHeader])!;
        Assert.Equal(["sandbox"], new JsonWebToken(token).Audiences);
        Assert.True((await ValidateAsync(token, "sandbox")).IsValid);
        Assert.False((await ValidateAsync(token, "main")).IsValid);
    }

    [Theory]
    [InlineData("X-Api-Key-Token")]
    [InlineData("x-api-key-token")]
    [InlineData("X_Api_Key_Token")]
    public async Task Forward_ClientSentToken_OnlyTheGatewaysArrives(string spelling)
    {
        var key = await Gateway.MintAsync(["contacts:read"]);
        using var client = Gateway.CreateKeyClient(key.Plaintext);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/contacts/forged-" + spelling);
        request.Headers.TryAddWithoutValidation(spelling, ["forged.token.one", "forged.token.two"]);

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = Assert.Single(Gateway.Upstream.Received.Last(r => r.Path == "/v1/contacts/forged-" + spelling).Headers[TokenHeader])!;
        Assert.True((await ValidateAsync(token, "main")).IsValid);
    }

    [Fact]
    public async Task Forward_PublicRoute_NoTokenAndTheClientsCopyStripped()
    {
        using var client = Gateway.CreateKeyClient(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/status");
        request.Headers.TryAddWithoutValidation(TokenHeader, "forged.token.value");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Gateway.Upstream.Received.Last(r => r.Path == "/v1/status").Header(TokenHeader));
    }

    /// <summary>A test key on a route with <c>TestCluster</c> is refused through forward-auth (ForwardAuthQuestionsTests), so a question's cluster is always the route's own.</summary>
    [Theory]
    [InlineData(KeyMode.Live, "/v1/orders/1", "main")]
    [InlineData(KeyMode.Test, "/v1/contacts/1", "main")]
    public async Task ForwardAuth_Admitted_AnswerCarriesTheTokenForTheClusterTheEdgeWouldUse(KeyMode mode, string path, string audience)
    {
        var key = await Gateway.MintAsync(["orders:read", "contacts:read"], mode: mode, workspaceId: "ws_fa", owner: "user_8");
        using var client = Gateway.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation(TokenHeader, "forged");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ValidateAsync(Assert.Single(response.Headers.GetValues(TokenHeader)), audience);
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(key.Key.Id, ((JsonWebToken)result.SecurityToken).Subject);
    }

    [Fact]
    public async Task Jwks_PublicPort_404()
    {
        var context = await GetJwksAsync(8080);

        Assert.Equal(404, context.Response.StatusCode);
    }
}

/// <summary>Identity tokens are off by default: nothing added, no JWKS, no key file created.</summary>
public sealed class IdentityTokenDisabledTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Forward_Disabled_NoTokenAndNoJwks()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);

        using var response = await client.GetAsync(new Uri("/v1/contacts/off", UriKind.Relative), Ct);
        var jwks = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/.well-known/jwks.json";
            c.Connection.LocalPort = 9091;
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(factory.Upstream.Received.Last(r => r.Path == "/v1/contacts/off").Header("X-Api-Key-Token"));
        Assert.Equal(404, jwks.Response.StatusCode);
    }
}
