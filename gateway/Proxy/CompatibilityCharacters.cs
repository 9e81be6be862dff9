using System.Text;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Non-ASCII characters that some upstream reads as ASCII: Unicode compatibility normalisation (NFKC: Python's
/// <c>unicodedata</c>, Java's <c>Normalizer</c>, IIS best-fit mapping) turns <c>／</c> into <c>/</c>, <c>‥</c> into
/// <c>..</c> and <c>ａｄｍｉｎ</c> into <c>admin</c>; Java's <c>equalsIgnoreCase</c> takes <c>ſ</c> for <c>s</c> and
/// <c>ı</c> for <c>i</c>. A table, because the gateway runs with invariant globalization (no ICU to normalise with):
/// the Unicode blocks whose compatibility forms map to ASCII letters, digits, punctuation or space, plus the
/// slash look-alikes. Whole blocks, so a few symbols that map elsewhere are refused too; none is plausible in an API path.
/// </summary>
internal static class CompatibilityCharacters
{
    private static readonly (int First, int Last)[] Ranges =
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
    ];

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
