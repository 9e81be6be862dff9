using System.Security.Cryptography;
using System.Text.Json;
using ApiGateway.Gateway.IdentityToken;

namespace ApiGateway.Gateway.Tests.IdentityToken;

public sealed class SigningKeySetTests
{
    private static SigningKey Key(string pem)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return new SigningKey(ecdsa);
    }

    [Fact]
    public void New_TheFirstKeySignsAndEveryKeyIsPublishedOnce()
    {
        var current = TestSigningKeys.NewPem();
        var next = TestSigningKeys.NewPem();

        var set = new SigningKeySet([Key(current), Key(next), Key(current)]);

        Assert.Equal(TestSigningKeys.Thumbprint(current), set.Current.KeyId);
        Assert.Equal([TestSigningKeys.Thumbprint(current), TestSigningKeys.Thumbprint(next)], set.Keys.Select(k => k.KeyId));
    }

    [Fact]
    public void Jwks_PublicPartsOnlyInRfc7517Form()
    {
        var pem = TestSigningKeys.NewPem();
        var set = new SigningKeySet([Key(pem)]);

        using var jwks = JsonDocument.Parse(set.Jwks);
        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray());

        Assert.Equal(["kty", "use", "alg", "kid", "crv", "x", "y"], key.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("EC", "sig", "ES256", "P-256"), (key.GetProperty("kty").GetString(), key.GetProperty("use").GetString(),
            key.GetProperty("alg").GetString(), key.GetProperty("crv").GetString()));
        Assert.Equal(TestSigningKeys.Thumbprint(pem), key.GetProperty("kid").GetString());
    }

    [Fact]
    public void SameKeysAs_SameKeysInTheSameOrder_OnlyThen()
    {
        var a = TestSigningKeys.NewPem();
        var b = TestSigningKeys.NewPem();

        Assert.True(new SigningKeySet([Key(a), Key(b)]).SameKeysAs(new SigningKeySet([Key(a), Key(b)])));
        Assert.False(new SigningKeySet([Key(a), Key(b)]).SameKeysAs(new SigningKeySet([Key(b), Key(a)]))); // another key signs
        Assert.False(new SigningKeySet([Key(a)]).SameKeysAs(new SigningKeySet([Key(a), Key(b)])));
    }

    [Fact]
    public void New_NoKey_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SigningKeySet([]));
    }
}
