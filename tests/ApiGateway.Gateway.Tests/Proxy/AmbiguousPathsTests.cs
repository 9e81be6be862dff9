using ApiGateway.Gateway.Proxy;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// The decoded paths (as Kestrel hands them over: percent-decoded except <c>%2F</c>, dot segments resolved) that some
/// common upstream reads as another path. The raw-socket cases are in EndToEnd <c>Abuse/RouteConfusionTests</c>.
/// </summary>
public sealed class AmbiguousPathsTests
{
    [Theory]
    [InlineData("/v1/contacts/%2Fadmin", nameof(PathAmbiguity.Percent))]         // %2F, kept encoded by Kestrel
    [InlineData("/v1/contacts/%2e%2e/admin", nameof(PathAmbiguity.Percent))]     // arrived as %252e%252e
    [InlineData("/v1/%61dmin", nameof(PathAmbiguity.Percent))]                   // arrived as %2561: a double decoder reads /v1/admin
    [InlineData("/v1/a%zz", nameof(PathAmbiguity.Percent))]                      // invalid escape left as is
    [InlineData("/v1/%u002e%u002e/admin", nameof(PathAmbiguity.Percent))]        // IIS %u encoding
    [InlineData("/v1/%C0%AF", nameof(PathAmbiguity.Percent))]                    // overlong UTF-8, left encoded by Kestrel
    [InlineData("/v1/contacts\\..\\admin", nameof(PathAmbiguity.Backslash))]
    [InlineData("/v1/contacts/..;/payments/1", nameof(PathAmbiguity.Semicolon))]
    [InlineData("/v1/contacts;jsessionid=1/x", nameof(PathAmbiguity.Semicolon))]
    [InlineData("/v1/contacts/x;", nameof(PathAmbiguity.Semicolon))]
    [InlineData("/v1/contacts/x#/../admin", nameof(PathAmbiguity.Fragment))]     // %23 decoded, or a raw '#' Kestrel kept
    [InlineData("/v1/contacts/x#", nameof(PathAmbiguity.Fragment))]
    [InlineData("/v1/a\u0000b", nameof(PathAmbiguity.ControlCharacter))]
    [InlineData("/v1/a\r\nX-Injected: 1", nameof(PathAmbiguity.ControlCharacter))]
    [InlineData("/v1/a\tb", nameof(PathAmbiguity.ControlCharacter))]
    [InlineData("/v1/a\u007fb", nameof(PathAmbiguity.ControlCharacter))]
    [InlineData("/v2//admin/x", nameof(PathAmbiguity.EmptySegment))]
    [InlineData("//v1/admin", nameof(PathAmbiguity.EmptySegment))]
    [InlineData("/v1/contacts//", nameof(PathAmbiguity.EmptySegment))]
    [InlineData("v1/contacts", nameof(PathAmbiguity.EmptySegment))]
    [InlineData("/v1/contacts/.../admin", nameof(PathAmbiguity.DotSegment))]
    [InlineData("/v1/contacts/..", nameof(PathAmbiguity.DotSegment))]
    [InlineData("/v1/contacts/../admin", nameof(PathAmbiguity.DotSegment))]
    [InlineData("/v1/contacts/./x", nameof(PathAmbiguity.DotSegment))]
    [InlineData("/v1/admin./x", nameof(PathAmbiguity.TrailingDotOrSpace))]
    [InlineData("/v1/contacts/.. /admin", nameof(PathAmbiguity.TrailingDotOrSpace))]
    [InlineData("/v1/contacts/.. ./admin", nameof(PathAmbiguity.TrailingDotOrSpace))]
    [InlineData("/v1/admin /x", nameof(PathAmbiguity.TrailingDotOrSpace))]
    [InlineData("/v1/a\u2028b", nameof(PathAmbiguity.InvisibleCharacter))]        // line separator
    [InlineData("/v1/a\u202eb", nameof(PathAmbiguity.InvisibleCharacter))]        // bidi override
    [InlineData("/v1/a\u200bb", nameof(PathAmbiguity.InvisibleCharacter))]        // zero-width space
    [InlineData("/v1/a\u0085b", nameof(PathAmbiguity.InvisibleCharacter))]        // C1 control (NEL)
    [InlineData("/v1/a\ue000b", nameof(PathAmbiguity.InvisibleCharacter))]        // private use
    [InlineData("/v1/contacts/\uff0e\uff0e/admin", nameof(PathAmbiguity.CompatibilityForm))] // fullwidth full stops: NFKC ".."
    [InlineData("/v1/contacts/\u2025/admin", nameof(PathAmbiguity.CompatibilityForm))]       // two dot leader: NFKC ".."
    [InlineData("/v1/contacts/..\uff0fadmin", nameof(PathAmbiguity.CompatibilityForm))]      // fullwidth solidus: NFKC "/"
    [InlineData("/v1/\uff41\uff44\uff4d\uff49\uff4e/x", nameof(PathAmbiguity.CompatibilityForm))] // fullwidth "admin"
    [InlineData("/v1/adm\u0131n/x", nameof(PathAmbiguity.CompatibilityForm))]     // dotless i: Java equalsIgnoreCase("admin")
    [InlineData("/v1/\u017fecret", nameof(PathAmbiguity.CompatibilityForm))]      // long s
    [InlineData("/v1/\u212aeys", nameof(PathAmbiguity.CompatibilityForm))]        // Kelvin sign: K even under NFC
    [InlineData("/v1/a\u00a0b", nameof(PathAmbiguity.CompatibilityForm))]         // no-break space
    [InlineData("/v1/\U0001d41a\U0001d41d\U0001d426\U0001d422\U0001d427", nameof(PathAmbiguity.CompatibilityForm))] // mathematical bold "admin"
    public void Find_PathAnUpstreamReadsDifferently_NamesTheRule(string path, string expected) =>
        Assert.Equal(expected, AmbiguousPaths.Find(path).ToString());

    /// <summary>Raw targets whose ambiguity Kestrel's dot-segment resolution would have hidden from the decoded path.</summary>
    [Theory]
    [InlineData("/v1/contacts/..;/../admin", "/v1/admin", nameof(PathAmbiguity.Semicolon))]
    [InlineData("/v1/contacts/.%3B/../../admin", "/v1/admin", nameof(PathAmbiguity.Semicolon))]
    [InlineData("/v1//../admin", "/v1/admin", nameof(PathAmbiguity.EmptySegment))]
    [InlineData("/v1/contacts/../admin?x=1", "/v1/admin", nameof(PathAmbiguity.DotSegment))]
    [InlineData("/v1/contacts/%2e%2e/admin", "/v1/admin", nameof(PathAmbiguity.DotSegment))]
    [InlineData("http://evil.example/v1/contacts/../admin", "/v1/admin", nameof(PathAmbiguity.DotSegment))]
    [InlineData("/v1/contacts/x#/../../status", "/v1/status", nameof(PathAmbiguity.Fragment))] // Kestrel resolves after a raw '#'
    [InlineData("/v1/contacts/x%23/../../status", "/v1/status", nameof(PathAmbiguity.Fragment))]
    [InlineData("/v1/contacts/1?x=#/../", "/v1/contacts/1", nameof(PathAmbiguity.None))]             // in the query: not the path
    [InlineData("/v1/caf%C3%A9/x", "/v1/caf\u00e9/x", nameof(PathAmbiguity.None))]
    [InlineData("/v1/contacts/1?next=/../..//x;y", "/v1/contacts/1", nameof(PathAmbiguity.None))]
    [InlineData("http://example.com/v1/contacts/1", "/v1/contacts/1", nameof(PathAmbiguity.None))]
    [InlineData("*", "", nameof(PathAmbiguity.None))]
    [InlineData(null, "/v1/contacts/1", nameof(PathAmbiguity.None))]
    public void FindInRawTarget_AmbiguityHiddenByDotResolution_NamesTheRule(string? rawTarget, string decodedPath, string expected) =>
        Assert.Equal(expected, AmbiguousPaths.FindInRawTarget(rawTarget, decodedPath).ToString());

    [Fact]
    public void Find_UnpairedSurrogate_InvisibleCharacter() =>
        Assert.Equal(PathAmbiguity.InvisibleCharacter, AmbiguousPaths.Find("/v1/a" + (char)0xD800 + "b"));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/v1/contacts")]
    [InlineData("/v1/contacts/")]
    [InlineData("/v1/contacts/123/file.json")]
    [InlineData("/v1/contacts/.well-known/x")]
    [InlineData("/v1/contacts/a.b.c")]
    [InlineData("/v1/items:batchGet")]
    [InlineData("/v1/contacts/a b")]
    [InlineData("/v1/contacts/a+b,c=d@e!$&'()*")]
    [InlineData("/v1/contacts/caf\u00e9")]
    [InlineData("/v1/contacts/\u6771\u4eac")]
    [InlineData("/v1/contacts/\U0001F600")]
    [InlineData("/v1/contacts/cafe\u0301")]
    [InlineData("/v1/contacts/\ufffd")]
    public void Find_OrdinaryPath_None(string path) =>
        Assert.Equal(PathAmbiguity.None, AmbiguousPaths.Find(path));
}
