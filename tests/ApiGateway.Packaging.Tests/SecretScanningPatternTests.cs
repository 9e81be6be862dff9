using System.Text.RegularExpressions;
using ApiGateway.Keys.Format;

namespace ApiGateway.Packaging.Tests;

/// <summary>
/// The key pattern docs/secret-scanning.md publishes for gitleaks and trufflehog matches every key we mint and no near
/// miss; the gitleaks and trufflehog snippets carry the same pattern.
/// </summary>
public sealed partial class SecretScanningPatternTests
{
    private const string DocPath = "docs/secret-scanning.md";
    private static readonly KeyFormat Format = new("agw");

    private static Regex Published()
    {
        var match = RegexBlock().Match(Repository.Read(DocPath));
        Assert.True(match.Success, "docs/secret-scanning.md has no ```regex block");
        return new Regex(match.Groups["pattern"].Value.Trim(), RegexOptions.CultureInvariant);
    }

    [Fact]
    public void Pattern_FreshlyMintedKeys_MatchWholeInText()
    {
        var pattern = Published();
        for (var i = 0; i < 500; i++)
        {
            var key = Format.Mint(i % 2 == 0 ? KeyMode.Live : KeyMode.Test);
            var match = pattern.Match($"export API_KEY=\"{key}\"\n");
            Assert.True(match.Success, key);
            Assert.Equal(key, match.Groups[1].Value);
        }
    }

    [Fact]
    public void Pattern_NearMisses_DoNotMatch()
    {
        var pattern = Published();
        for (var i = 0; i < 50; i++)
        {
            foreach (var text in NearMisses())
            {
                Assert.DoesNotMatch(pattern, text);
            }
        }
    }

    private static string[] NearMisses()
    {
        var key = Format.Mint(KeyMode.Live);
        var body = key["agw_live_".Length..];
        return
        [
            "agx_live_" + body,                  // wrong prefix
            "AGW_live_" + body,
            "agw_prod_" + body,                  // wrong mode
            "agw_live" + body,                   // missing separator
            key[..^1],                           // 48 characters
            key + "Z",                           // 50 characters
            key[..20] + "-" + key[21..],         // outside base62
            key[..20] + "+" + key[21..],
            key[..20] + "/" + key[21..],
            key[..^1] + "=",
            "x" + key,                           // glued to other word characters
            "_" + key,
        ];
    }

    [Fact]
    public void ScannerSnippets_CarryThePublishedPattern()
    {
        var doc = Repository.Read(DocPath);
        var pattern = Published().ToString();
        Assert.Contains($"regex = '''{pattern}'''", doc, StringComparison.Ordinal);   // gitleaks
        Assert.Contains($"key: '{pattern}'", doc, StringComparison.Ordinal);         // trufflehog
    }

    [GeneratedRegex("```regex\\n(?<pattern>[^\\n]+)\\n```")]
    private static partial Regex RegexBlock();
}
