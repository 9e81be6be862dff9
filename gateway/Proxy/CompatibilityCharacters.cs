using System.Text;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Non-ASCII characters that some upstream reads as ASCII (docs/security.md "Paths"). The rule: a code point is refused
/// when its NFKC or NFC form contains any ASCII character (Python's <c>unicodedata</c>, Java's <c>Normalizer</c>, a
/// normalising servlet container or filesystem turn <c>／</c> into <c>/</c>, <c>‥</c> into <c>..</c>, <c>;</c> U+037E into
/// <c>;</c> even under NFC, <c>ａｄｍｉｎ</c> into <c>admin</c>), or when it has no decomposition but is still read as
/// ASCII: Windows "best fit" code-page conversion (<c>¥</c> and <c>₩</c> become <c>\</c> under the Japanese and Korean
/// code pages, typographic quotes and primes become <c>'</c> and <c>"</c>), the slash and backslash look-alikes a person
/// or a confusable-folding filter reads as separators, and Java's <c>equalsIgnoreCase</c> (<c>ſ</c> for <c>s</c>,
/// <c>ı</c> for <c>i</c>). A table, because the gateway runs with invariant globalization (no ICU to normalise with); a
/// test sweeps every code point up to U+1FFFF through ICU's NFKC and NFC and fails if the table misses one
/// (<c>AmbiguousPathsUnicodeSweepTests</c>). The older entries are whole blocks, so a few symbols that map elsewhere
/// are refused too; none is plausible in an API path.
/// </summary>
internal static class CompatibilityCharacters
{
    private static readonly (int First, int Last)[] Ranges = Sorted(
    [
        (0x00A0, 0x00A0), (0x00A8, 0x00A8), (0x00AA, 0x00AA), (0x00AF, 0x00AF), (0x00B2, 0x00B4), (0x00B8, 0x00BA),
        (0x00BC, 0x00BE),                   // NBSP, spacing diacritics, ª º, ² ³ ¹, ¼ ½ ¾
        (0x0131, 0x0133), (0x013F, 0x0140), (0x0149, 0x0149), (0x017F, 0x017F), // ı, Ĳ ĳ, Ŀ ŀ, ŉ, ſ
        (0x01C4, 0x01CC), (0x01F1, 0x01F3), // Ǆ … ǌ, Ǳ ǲ ǳ
        (0x02B0, 0x02B8), (0x02E0, 0x02E4), // modifier letters ʰ … ʸ, ˠ … ˤ
        (0x1D2C, 0x1D6A), (0x1D78, 0x1D78), (0x1D9B, 0x1DBF), (0x1E9A, 0x1E9A), // phonetic super- and subscripts, ẚ
        (0x2000, 0x200A), (0x2024, 0x2026), (0x202F, 0x202F), (0x2044, 0x2044), (0x205F, 0x205F), // spaces, ․ ‥ …, ⁄
        (0x2070, 0x209C), (0x20A8, 0x20A8), // super- and subscripts, ₨
        (0x2100, 0x2189),                   // letterlike symbols and number forms: ℀ ℁ ℅ K(Kelvin) Ⅰ ⅰ …
        (0x2215, 0x2215), (0x2216, 0x2216), // ∕ ∖ (division slash, set minus)
        (0x2460, 0x24EA),                   // enclosed alphanumerics ① ⑴ ⒈ ⒜ Ⓐ ⓐ
        (0x2A74, 0x2A76), (0x2C7C, 0x2C7D), (0x3000, 0x3000), (0x3371, 0x33DF), // ⩴, ⱼ ⱽ, ideographic space, ㎏ …
        (0xFB00, 0xFB06),                   // ligatures ﬀ ﬁ ﬂ …
        (0xFE10, 0xFE19), (0xFE30, 0xFE4F), (0xFE50, 0xFE6B), // vertical, CJK compatibility and small forms ﹒ ﹔ ﹨ ﹪
        (0xFF01, 0xFF5E),                   // fullwidth ASCII ！ … ～
        (0x1D400, 0x1D7FF),                 // mathematical alphanumerics 𝐚 𝟎 …
        (0x1F100, 0x1F16C), (0x1FBF0, 0x1FBF9), // enclosed alphanumeric supplement 🄀 🄐 🄰, segmented digits
        (0x1CCD6, 0x1CCF9),                 // outlined Latin letters and digits (Unicode 16, newer than the test's ICU)

        // NFKC or NFC to ASCII punctuation, space or digits, outside the blocks above (found by the sweep):
        (0x02D8, 0x02DD), (0x037A, 0x037A), // ˘ ˙ ˚ ˛ ˜ ˝ (space + combining mark), ͺ
        (0x037E, 0x037E),                   // Greek question mark: ';' even under NFC, so "..;" to a normalising servlet
        (0x0384, 0x0385),                   // ΄ ΅
        (0x1FBD, 0x1FBD), (0x1FBF, 0x1FC1), (0x1FCD, 0x1FCF), (0x1FDD, 0x1FDF), (0x1FED, 0x1FEF), (0x1FFD, 0x1FFE), // Greek spacing accents, ` U+1FEF
        (0x2017, 0x2017), (0x203C, 0x203C), (0x203E, 0x203E), (0x2047, 0x2049), // ‗, ‼, ‾, ⁇ ⁈ ⁉
        (0x309B, 0x309C),                   // ゛ ゜ (space + combining mark)
        (0x3200, 0x321E), (0x3220, 0x3243), (0x3250, 0x325F), (0x32B1, 0x32CF), // parenthesised and circled forms: (…), digits
        (0x3358, 0x3370), (0x33E0, 0x33FF), // telegraph symbols for hours and days: digits
        (0xA7F2, 0xA7F4), (0xFB29, 0xFB29), // modifier capitals C F Q, Hebrew alternative plus sign '+'
        (0xFC5E, 0xFC63), (0xFDFA, 0xFDFB), // Arabic ligatures with a space
        (0xFE70, 0xFE70), (0xFE72, 0xFE72), (0xFE74, 0xFE74), (0xFE76, 0xFE76), (0xFE78, 0xFE78), (0xFE7A, 0xFE7A),
        (0xFE7C, 0xFE7C), (0xFE7E, 0xFE7E), // Arabic isolated vowel marks (space + mark)
        (0xFFE3, 0xFFE3), (0x107A5, 0x107A5), (0x1F190, 0x1F190), // ￣, modifier small q, 🆐 "DJ"

        // No decomposition, read as ASCII anyway:
        (0x00A5, 0x00A5), (0x20A9, 0x20A9), // ¥ ₩: '\' under Windows best fit for code pages 932 and 949
        (0x02B9, 0x02BA), (0x02BC, 0x02BC), (0x02C8, 0x02C8), // ʹ ʺ ʼ ˈ: best fit ' and "
        (0x030E, 0x030E),                   // combining double vertical line above: best fit "
        (0x2018, 0x201A), (0x201C, 0x201E), (0x2032, 0x2033), (0x3003, 0x3003), // ‘ ’ ‚ “ ” „ ′ ″ 〃: best fit ' , " and ditto
        (0x2571, 0x2572), (0x27CB, 0x27CB), (0x27CD, 0x27CD), (0x29F5, 0x29F5), (0x29F8, 0x29F9), // ╱ ╲ ⟋ ⟍ ⧵ ⧸ ⧹: slash look-alikes
    ]);

    /// <summary>Sorted by first code point, for the binary search (the entries above are grouped by why, not by order).</summary>
    private static (int First, int Last)[] Sorted((int First, int Last)[] ranges)
    {
        Array.Sort(ranges);
        return ranges;
    }

    public static bool Contains(Rune rune)
    {
        var value = rune.Value;
        int low = 0, high = Ranges.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            var (first, last) = Ranges[mid];
            if (value < first)
            {
                high = mid - 1;
            }
            else if (value > last)
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }
        return false;
    }
}
