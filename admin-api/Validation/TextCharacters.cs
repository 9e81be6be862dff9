using System.Text;

namespace ApiGateway.AdminApi.Validation;

/// <summary>
/// Which characters a stored text field may hold (docs/security.md "Input that reaches a screen or a header").
/// Free text (names) is shown in the console and the audit log, so nothing that changes how the text around it reads;
/// values the gateway forwards as header values are visible ASCII, which every HTTP stack can send.
/// </summary>
internal static class TextCharacters
{
    /// <summary>
    /// False for control characters (C0, DEL, C1), the bidirectional formatting characters (embeddings and overrides
    /// U+202A-U+202E, isolates U+2066-U+2069, the marks U+200E, U+200F and U+061C), the line and paragraph separators
    /// U+2028/U+2029, and unpaired surrogates. Joiners (U+200D in emoji) and every script stay allowed.
    /// </summary>
    public static bool IsDisplaySafe(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done || !IsDisplaySafe(rune))
            {
                return false;
            }
            rest = rest[used..];
        }
        return true;
    }

    /// <summary>Every character is <c>!</c> to <c>~</c> (no space, no control, nothing outside ASCII).</summary>
    public static bool IsVisibleAscii(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsDisplaySafe(Rune rune) =>
        !Rune.IsControl(rune) && rune.Value is not (0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) or 0x2028 or 0x2029);
}
