using ApiGateway.Gateway.IdentityToken;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ApiGateway.Gateway.Tests.IdentityToken;

public sealed class IdentityTokenIssuerTests
{
    [Fact]
    public async Task GetToken_ClaimsAndHeader_AsDocumented()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();
        var key = IdentityTokenHarness.Key(owner: "user_42");

        var token = harness.Issuer.GetToken(key, "ws_other", "billing");
        var result = await harness.ValidateAsync(token, "billing");

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = new JsonWebToken(token);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(TestSigningKeys.Thumbprint(harness.CurrentPem), jwt.Kid);
        Assert.Equal("api-gateway", jwt.Issuer);
        Assert.Equal(["billing"], jwt.Audiences);
        Assert.Equal("key_1", jwt.Subject);
        Assert.Equal("ws_other", jwt.GetClaim("workspace_id").Value);
        Assert.Equal("user_42", jwt.GetClaim("owner").Value);
        Assert.Equal("contacts:read invoices:*", jwt.GetClaim("scope").Value);
        Assert.Equal("live", jwt.GetClaim("mode").Value);
        Assert.Equal(harness.Clock.GetUtcNow().ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("iat"));
        Assert.Equal(harness.Clock.GetUtcNow().ToUnixTimeSeconds() + 60, jwt.GetPayloadValue<long>("exp"));
        Assert.False(jwt.TryGetPayloadValue<long>("nbf", out _));
    }

    [Fact]
    public async Task GetToken_KeyWithoutOwner_NoOwnerClaim()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();

        var jwt = new JsonWebToken(harness.Issuer.GetToken(IdentityTokenHarness.Key(owner: null, mode: Keys.Format.KeyMode.Test), "ws_main", "main"));

        Assert.False(jwt.TryGetClaim("owner", out _));
        Assert.Equal("test", jwt.GetClaim("mode").Value);
    }

    [Fact]
    public async Task GetToken_Again_SameTokenUntilAThirdOfItsLifetimeIsLeft()
    {
        await using var harness = await IdentityTokenHarness.StartAsync(lifetimeSeconds: 60);
        var key = IdentityTokenHarness.Key();
        var first = harness.Issuer.GetToken(key, "ws_main", "main");

        harness.Clock.Advance(TimeSpan.FromSeconds(39));
        Assert.Same(first, harness.Issuer.GetToken(key, "ws_main", "main"));

        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = harness.Issuer.GetToken(key, "ws_main", "main");
        Assert.NotEqual(first, refreshed);
        Assert.True((await harness.ValidateAsync(refreshed, "main")).IsValid);
        Assert.Equal(harness.Clock.GetUtcNow().ToUnixTimeSeconds() + 60, new JsonWebToken(refreshed).GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task GetToken_OtherWorkspaceOrAudience_OwnToken()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();
        var key = IdentityTokenHarness.Key();

        var main = harness.Issuer.GetToken(key, "ws_main", "main");
        var sandbox = harness.Issuer.GetToken(key, "ws_main", "sandbox");
        var other = harness.Issuer.GetToken(key, "ws_other", "main");

        Assert.Equal(["sandbox"], new JsonWebToken(sandbox).Audiences);
        Assert.Equal("ws_other", new JsonWebToken(other).GetClaim("workspace_id").Value);
        Assert.Same(main, harness.Issuer.GetToken(key, "ws_main", "main"));
        Assert.False((await harness.ValidateAsync(main, "sandbox")).IsValid);
    }

    /// <summary>An admin narrowed the key's scopes: the key cache holds a new object, and the next token says so at once.</summary>
    [Fact]
    public async Task GetToken_KeyChanged_NoTokenWithTheOldClaims()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();
        var before = harness.Issuer.GetToken(IdentityTokenHarness.Key(scopes: ["contacts:read", "contacts:write"]), "ws_main", "main");

        var after = harness.Issuer.GetToken(IdentityTokenHarness.Key(scopes: ["contacts:read"]), "ws_main", "main");

        Assert.Equal("contacts:read contacts:write", new JsonWebToken(before).GetClaim("scope").Value);
        Assert.Equal("contacts:read", new JsonWebToken(after).GetClaim("scope").Value);
    }

    [Fact]
    public async Task GetToken_KeyExpiresBeforeTheLifetime_TokenExpiresWithTheKey()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();
        var keyExpires = harness.Clock.GetUtcNow().AddSeconds(20);

        var jwt = new JsonWebToken(harness.Issuer.GetToken(IdentityTokenHarness.Key(expiresAt: keyExpires), "ws_main", "main"));

        Assert.Equal(keyExpires.ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));
    }

    /// <summary>Rotation: the files swap, the next reread signs with the new first key; tokens of the old one stay valid while both are published.</summary>
    [Fact]
    public async Task GetToken_FilesSwapped_SignsWithTheNewFirstKeyAfterTheReread()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();
        var key = IdentityTokenHarness.Key();
        var old = harness.Issuer.GetToken(key, "ws_main", "main");

        TestSigningKeys.Write(harness.CurrentPath, harness.NextPem);
        TestSigningKeys.Write(harness.NextPath, harness.CurrentPem);
        Assert.Same(old, harness.Issuer.GetToken(key, "ws_main", "main"));
        harness.Clock.Advance(SigningKeys.RereadInterval);
        var rotated = harness.Issuer.GetToken(key, "ws_main", "main");

        Assert.Equal(TestSigningKeys.Thumbprint(harness.NextPem), new JsonWebToken(rotated).Kid);
        Assert.True((await harness.ValidateAsync(rotated, "main")).IsValid);
        Assert.True((await harness.ValidateAsync(old, "main")).IsValid);
    }

    [Fact]
    public async Task GetToken_ManySubjects_CacheStaysBounded()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();
        var key = IdentityTokenHarness.Key();

        for (var i = 0; i <= IdentityTokenIssuer.MaxEntries; i++)
        {
            harness.Issuer.GetToken(key, "ws_main", $"cluster-{i}");
        }

        Assert.InRange(harness.Issuer.Count, 1, IdentityTokenIssuer.MaxEntries);
    }
}
