using System.Text.Json;
using ApiGateway.Gateway.IdentityToken;

namespace ApiGateway.Gateway.Tests.IdentityToken;

public sealed class SigningKeysTests
{
    private static string[] PublishedKids(SigningKeys keys)
    {
        using var jwks = JsonDocument.Parse(keys.Set.Jwks);
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    [Fact]
    public async Task Start_TwoFiles_FirstSignsBothPublishedPublicPartsOnly()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();

        Assert.Equal(TestSigningKeys.Thumbprint(harness.CurrentPem), harness.Keys.Set.Current.KeyId);
        Assert.Equal([TestSigningKeys.Thumbprint(harness.CurrentPem), TestSigningKeys.Thumbprint(harness.NextPem)], PublishedKids(harness.Keys));
        using var jwks = JsonDocument.Parse(harness.Keys.Set.Jwks);
        foreach (var key in jwks.RootElement.GetProperty("keys").EnumerateArray())
        {
            Assert.Equal(["kty", "use", "alg", "kid", "crv", "x", "y"], key.EnumerateObject().Select(p => p.Name));
            Assert.Equal("ES256", key.GetProperty("alg").GetString());
        }
    }

    [Fact]
    public async Task Reread_OldKeyDropped_NoLongerPublished()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();
        var third = TestSigningKeys.NewPem();

        TestSigningKeys.Write(harness.NextPath, third);
        harness.Clock.Advance(SigningKeys.RereadInterval);

        Assert.Equal([TestSigningKeys.Thumbprint(harness.CurrentPem), TestSigningKeys.Thumbprint(third)], PublishedKids(harness.Keys));
    }

    [Fact]
    public async Task Reread_FileHalfWrittenOrWrongCurve_KeepsTheLastGoodKeysUntilFixed()
    {
        await using var harness = await IdentityTokenHarness.StartAsync();
        var before = harness.Keys.Set;

        File.WriteAllText(harness.CurrentPath, harness.NextPem[..40]);
        harness.Clock.Advance(SigningKeys.RereadInterval);
        Assert.Same(before, harness.Keys.Set);

        TestSigningKeys.Write(harness.CurrentPath, TestSigningKeys.NewPem(System.Security.Cryptography.ECCurve.NamedCurves.nistP384));
        harness.Clock.Advance(SigningKeys.RereadInterval);
        Assert.Same(before, harness.Keys.Set);

        File.Delete(harness.CurrentPath);
        harness.Clock.Advance(SigningKeys.RereadInterval);
        Assert.Same(before, harness.Keys.Set);

        TestSigningKeys.Write(harness.CurrentPath, harness.NextPem);
        harness.Clock.Advance(SigningKeys.RereadInterval);
        Assert.Equal(TestSigningKeys.Thumbprint(harness.NextPem), harness.Keys.Set.Current.KeyId);
        Assert.Equal([TestSigningKeys.Thumbprint(harness.NextPem)], PublishedKids(harness.Keys));
    }
}
