using System.Security.Cryptography;
using System.Text;
using ApiGateway.Keys.Format;

namespace ApiGateway.Keys.Tests.Format;

public sealed class KeyCredentialsTests
{
    private static readonly KeyFormat Format = new("agw");

    [Fact]
    public void TryHash_OurKey_HashedWithThePepper()
    {
        var hasher = new KeyHasher("pepper");
        var credentials = new KeyCredentials(Format, hasher, ImportedKeyPattern.From("sk_[a-z]{4}"));
        var key = Format.Mint(KeyMode.Live);

        Assert.True(credentials.TryHash(key, out var hash));
        Assert.Equal(hasher.Hash(key), hash);
    }

    [Fact]
    public void TryHash_ImportedToken_PlainSha256EvenWithAPepper()
    {
        var credentials = new KeyCredentials(Format, new KeyHasher("pepper"), ImportedKeyPattern.From("sk_[a-z]{4}"));

        Assert.True(credentials.TryHash("sk_abcd", out var hash));
        Assert.Equal(new KeyHash(SHA256.HashData(Encoding.UTF8.GetBytes("sk_abcd"))), hash);
    }

    [Theory]
    [InlineData("sk_abc")]
    [InlineData("sk_abcde")]
    [InlineData("xsk_abcd")]
    [InlineData("sk_abcd\n")]
    [InlineData("SK_ABCD")]
    public void TryHash_NeitherFormat_Refused(string token)
    {
        var credentials = new KeyCredentials(Format, new KeyHasher(null), ImportedKeyPattern.From("sk_[a-z]{4}"));
        Assert.False(credentials.TryHash(token, out _));
    }

    [Fact]
    public void TryHash_NoPattern_OnlyOurFormat()
    {
        var credentials = new KeyCredentials(Format, new KeyHasher(null), ImportedKeyPattern.None);
        var key = Format.Mint(KeyMode.Test);

        Assert.True(credentials.TryHash(key, out _));
        Assert.False(credentials.TryHash(key[..^1] + (key[^1] == 'a' ? 'b' : 'a'), out _));
        Assert.False(credentials.TryHash("sk_abcd", out _));
    }

    [Fact]
    public void Matches_AlternationInThePattern_StillAnchoredToTheWholeToken()
    {
        var pattern = ImportedKeyPattern.From("key_[0-9]+|tok_[0-9]+");

        Assert.True(pattern.Matches("tok_12"));
        Assert.False(pattern.Matches("tok_12x"));
        Assert.False(pattern.Matches("xkey_12"));
    }

    [Fact]
    public void Matches_CatastrophicPattern_TimesOutAsNoMatch()
    {
        var pattern = ImportedKeyPattern.From("(a+)+b");
        Assert.False(pattern.Matches(new string('a', 200)));
    }

    [Fact]
    public void Matches_OverlongToken_RefusedBeforeTheRegex()
    {
        var pattern = ImportedKeyPattern.From(".*");
        Assert.True(pattern.Matches(new string('a', ImportedKeyPattern.MaxLength)));
        Assert.False(pattern.Matches(new string('a', ImportedKeyPattern.MaxLength + 1)));
    }

    [Theory]
    [InlineData("sk_[a-z")]
    [InlineData("(?<x")]
    public void KeysOptions_InvalidImportedKeyPattern_NamedAtStart(string pattern)
    {
        var result = new KeysOptionsValidator().Validate(null, new KeysOptions { ImportedKeyPattern = pattern });
        var error = Assert.Single(result.Failures!);
        Assert.Contains("Keys:ImportedKeyPattern", error, StringComparison.Ordinal);
    }
}
