using System.Net;
using System.Net.Http.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;

namespace ApiGateway.EndToEnd.Tests.IdentityToken;

/// <summary>The sample stack started once for the refusal tests.</summary>
public sealed class IdentityBackendFixture : IAsyncLifetime
{
    public string CurrentPem { get; } = GatewayWithBackend.NewPem();

    public GatewayWithBackend Stack { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Stack = await GatewayWithBackend.StartAsync(CurrentPem, GatewayWithBackend.NewPem(), TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Stack.DisposeAsync();
}

/// <summary>
/// A backend that verifies the gateway's token accepts what came through the gateway and refuses everything else:
/// no token, plain identity headers, a forged token (another key under the gateway's kid), an expired one, and one
/// the gateway made for another cluster.
/// </summary>
public sealed class IdentityTokenBackendTests(IdentityBackendFixture fixture) : IClassFixture<IdentityBackendFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private GatewayWithBackend Stack => fixture.Stack;

    private async Task<HttpResponseMessage> DirectAsync(string? token, params (string Name, string Value)[] headers)
    {
        using var client = Stack.CreateBackendClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/backend/direct");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key-Token", token);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task ThroughTheGateway_Accepted_WithTheKeysIdentity()
    {
        var key = await Stack.Gateway.Keys.MintAsync([GatewayWithBackend.Scope], cancellationToken: Ct);
        using var client = Stack.Gateway.CreatePublicClient(key.Plaintext);

        using var response = await client.GetAsync(new Uri("/v1/backend/me", UriKind.Relative), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}. {Stack.Backend.Describe()}");
        var caller = (await response.Content.ReadFromJsonAsync<Caller>(Ct))!;
        Assert.Equal(key.Key.Id, caller.KeyId);
        Assert.Equal("ws_e2e", caller.WorkspaceId);
        Assert.Null(caller.Owner);
        Assert.Equal([GatewayWithBackend.Scope], caller.Scopes);
        Assert.Equal("live", caller.Mode);
        Assert.Equal(GatewayWithBackend.Audience, caller.Audience);
        Assert.Equal(GatewayWithBackend.KeyIdOf(fixture.CurrentPem), caller.SignedWith);
    }

    [Fact]
    public async Task Direct_NoToken_Refused()
    {
        using var response = await DirectAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Direct_PlainIdentityHeadersOnly_Refused()
    {
        using var response = await DirectAsync(null, ("X-Api-Key-Id", "key_admin"), ("X-Workspace-Id", "ws_victim"), ("X-Api-Key-Mode", "live"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Direct_ForgedToken_RefusedEvenUnderTheGatewaysKid()
    {
        var now = DateTimeOffset.UtcNow;
        var forged = GatewayWithBackend.SignToken(GatewayWithBackend.NewPem(), GatewayWithBackend.Audience, now, now.AddSeconds(60),
            kid: GatewayWithBackend.KeyIdOf(fixture.CurrentPem));

        using var response = await DirectAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direct_ExpiredTokenSignedByTheGatewaysKey_Refused()
    {
        var now = DateTimeOffset.UtcNow;
        var control = GatewayWithBackend.SignToken(fixture.CurrentPem, GatewayWithBackend.Audience, now, now.AddSeconds(60));
        var expired = GatewayWithBackend.SignToken(fixture.CurrentPem, GatewayWithBackend.Audience, now.AddSeconds(-120), now.AddSeconds(-60));

        using var accepted = await DirectAsync(control);
        using var refused = await DirectAsync(expired);

        // The same key and claims with live times pass: the refusal is the expiry, not the signature.
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("expired", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Direct_TokenForAnotherAudience_Refused()
    {
        var now = DateTimeOffset.UtcNow;
        var foreign = GatewayWithBackend.SignToken(fixture.CurrentPem, "other", now, now.AddSeconds(60));

        using var response = await DirectAsync(foreign);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>The gateway's own, valid token, but made for cluster <c>other</c>: this backend is not its audience.</summary>
    [Fact]
    public async Task ThroughTheGatewayForAnotherCluster_Refused()
    {
        var key = await Stack.Gateway.Keys.MintAsync([GatewayWithBackend.Scope], cancellationToken: Ct);
        using var client = Stack.Gateway.CreatePublicClient(key.Plaintext);

        using var response = await client.GetAsync(new Uri("/v1/other/me", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Direct_TwoTokens_Refused()
    {
        var now = DateTimeOffset.UtcNow;
        var valid = GatewayWithBackend.SignToken(fixture.CurrentPem, GatewayWithBackend.Audience, now, now.AddSeconds(60));

        using var response = await DirectAsync(valid, ("X-Api-Key-Token", valid));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>The sample backend's answer.</summary>
public sealed record Caller(string KeyId, string WorkspaceId, string? Owner, string[] Scopes, string Mode, string Audience, string SignedWith);
