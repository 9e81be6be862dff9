using System.Text;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Code points a reader does not see or an upstream may drop, beyond the control, format and private-use categories
/// <see cref="AmbiguousPaths"/> refuses by category: every <c>Default_Ignorable_Code_Point</c> (Unicode's
/// DerivedCoreProperties: U+034F, Hangul fillers, Mongolian and other variation selectors, Khmer inherent vowels, tag
/// characters...), which renderers and some filters remove, so <c>adm͏in</c> shows and may become <c>admin</c>; and
/// every noncharacter (U+FDD0–U+FDEF and the last two code points of each plane), which UTF-8 handling may replace or
/// drop. A test checks the list against ICU's properties for every code point up to U+1FFFF
/// (<c>AmbiguousPathsUnicodeSweepTests</c>).
/// </summary>
internal static class IgnorableCharacters
{
    private static readonly (int First, int Last)[] DefaultIgnorable =
    [
        (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
        (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
    ];

    public static bool Contains(Rune rune)
    {
        var value = rune.Value;
        if (value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE)
        {
            return true; // a noncharacter
        }
        if (value == 0x2800)
        {
            return true; // braille pattern blank: not default-ignorable, but it renders as a space where a space is refused
        }
        foreach (var (first, last) in DefaultIgnorable)
        {
            if (value >= first && value <= last)
            {
                return true;
            }
        }
        return false;
    }
}
