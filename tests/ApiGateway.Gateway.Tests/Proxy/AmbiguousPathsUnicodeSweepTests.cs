using System.Text;
using ApiGateway.Gateway.Proxy;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// The path rule's Unicode tables against ICU for every code point up to U+1FFFF (docs/security.md "Paths"): none
/// whose NFKC or NFC form contains ASCII, none that is default-ignorable, no noncharacter passes
/// <see cref="AmbiguousPaths.Find"/>. Before the rule was stated this way 227 such code points were forwarded
/// (U+037E ';', U+1FEF '`', U+203C '‼', …) and so were U+034F, the Hangul fillers, variation selectors and noncharacters.
/// </summary>
public sealed class AmbiguousPathsUnicodeSweepTests
{
    private static readonly IcuUnicode Icu = IcuUnicode.Load();

    [Fact]
    public void Oracle_IsRealIcu()
    {
        // Guards the sweep against an oracle that normalises nothing (string.Normalize under invariant globalization).
        Assert.Equal("/", Icu.Nfkc("\uff0f"));
        Assert.Equal(";", Icu.Nfc("\u037e"));
        Assert.True(Icu.IsDefaultIgnorable(0x034F));
        Assert.True(Icu.IsNoncharacter(0xFFFE));
    }

    [Fact]
    public void Find_EveryCodePointThatNormalisesToAscii_IsRefused()
    {
        var passed = new List<string>();
        var reading = 0;
        foreach (var rune in CodePoints())
        {
            var text = rune.ToString();
            if (!(Icu.Nfkc(text) + Icu.Nfc(text)).Any(char.IsAscii))
            {
                continue;
            }
            reading++;
            if (AmbiguousPaths.Find($"/v1/contacts/a{text}b") == PathAmbiguity.None)
            {
                passed.Add($"U+{rune.Value:X4} → \"{Icu.Nfkc(text)}\"");
            }
        }
        Assert.True(reading > 1500, $"ICU {Icu.Version} found only {reading} code points that normalise to ASCII");
        Assert.True(passed.Count == 0, $"{passed.Count} pass the path rule: {string.Join(", ", passed.Take(40))}");
    }

    [Fact]
    public void Find_EveryDefaultIgnorableOrNoncharacter_IsRefusedAsInvisible()
    {
        var passed = new List<string>();
        foreach (var rune in CodePoints().Concat(PlaneEnds()))
        {
            if ((Icu.IsDefaultIgnorable(rune.Value) || Icu.IsNoncharacter(rune.Value))
                && AmbiguousPaths.Find($"/v1/contacts/a{rune}b") != PathAmbiguity.InvisibleCharacter)
            {
                passed.Add($"U+{rune.Value:X4}");
            }
        }
        Assert.True(passed.Count == 0, $"{passed.Count} not refused as invisible: {string.Join(", ", passed.Take(40))}");
    }

    [Theory]
    [InlineData("..\u037e", nameof(PathAmbiguity.CompatibilityForm))]   // ';' even under NFC: a normalising servlet reads "..;"
    [InlineData("a\u1fefb", nameof(PathAmbiguity.CompatibilityForm))]    // '`'
    [InlineData("a\u203cb", nameof(PathAmbiguity.CompatibilityForm))]    // "!!"
    [InlineData("a\u2047b", nameof(PathAmbiguity.CompatibilityForm))]    // "??"
    [InlineData("..\u00a5admin", nameof(PathAmbiguity.CompatibilityForm))] // '\' under Windows best fit (932)
    [InlineData("..\u20a9admin", nameof(PathAmbiguity.CompatibilityForm))] // '\' under Windows best fit (949)
    [InlineData("..\u29f5admin", nameof(PathAmbiguity.CompatibilityForm))] // reverse solidus operator
    [InlineData("..\u29f8admin", nameof(PathAmbiguity.CompatibilityForm))] // big solidus
    [InlineData("..\u2571admin", nameof(PathAmbiguity.CompatibilityForm))] // box drawing diagonal
    [InlineData("a\u201cb", nameof(PathAmbiguity.CompatibilityForm))]    // '"' under best fit
    [InlineData("adm\u034fin", nameof(PathAmbiguity.InvisibleCharacter))] // combining grapheme joiner
    [InlineData("adm\u3164in", nameof(PathAmbiguity.InvisibleCharacter))] // Hangul filler
    [InlineData("adm\ufe0fin", nameof(PathAmbiguity.InvisibleCharacter))] // variation selector
    [InlineData("adm\U000E0100in", nameof(PathAmbiguity.InvisibleCharacter))] // variation selector supplement
    [InlineData("adm\u2800in", nameof(PathAmbiguity.InvisibleCharacter))] // braille blank: not default-ignorable, but blank
    [InlineData("adm\ufdd0in", nameof(PathAmbiguity.InvisibleCharacter))] // noncharacter
    [InlineData("adm\U0010FFFFin", nameof(PathAmbiguity.InvisibleCharacter))] // noncharacter, last plane
    public void Find_CharacterAnUpstreamReadsAsAscii_NamesTheRule(string segment, string expected) =>
        Assert.Equal(expected, AmbiguousPaths.Find($"/v1/contacts/{segment}/x").ToString());

    /// <summary>Every scalar value from U+0080 to U+1FFFF (surrogates are not code points a path can hold).</summary>
    private static IEnumerable<Rune> CodePoints()
    {
        for (var value = 0x80; value <= 0x1FFFF; value++)
        {
            if (Rune.IsValid(value))
            {
                yield return new Rune(value);
            }
        }
    }

    private static IEnumerable<Rune> PlaneEnds() =>
        Enumerable.Range(2, 15).SelectMany(plane => new[] { new Rune((plane << 16) | 0xFFFE), new Rune((plane << 16) | 0xFFFF) });
}
