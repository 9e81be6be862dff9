using System.Buffers;
using System.Globalization;
using System.Text;
using ApiGateway.Gateway.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Refuses, with 400 "Invalid request path" and before routing, any path whose decoded form a common upstream would
/// read as a different path than the one the gateway matched its route (and so its scope check) on. The gateway
/// matches on Kestrel's decoded path (dot segments resolved, <c>%2F</c> kept encoded); YARP forwards it re-encoded.
/// Each rule below names the upstream behaviour it closes; docs/security.md "Paths" lists them with examples.
/// </summary>
internal static class AmbiguousPaths
{
    /// <summary>
    /// <c>%</c>: after Kestrel's decoding only an encoded percent (<c>%25</c>), a kept <c>%2F</c> or an invalid escape
    /// (<c>%zz</c>, IIS <c>%u002e</c>, overlong UTF-8) can leave one, and an upstream that decodes again sees another
    /// path. <c>\</c>: a separator for IIS, Windows and WHATWG URL parsers (Node, browsers). <c>;</c>: servlet path
    /// parameters (Tomcat, Jetty, Spring strip <c>;…</c> from each segment, so <c>..;</c> becomes <c>..</c>). C0
    /// controls and DEL: NUL truncates in C and PHP stacks, CR/LF split headers and logs, WHATWG parsers drop tab and
    /// newline. <c>#</c>: a client never sends a fragment, and Kestrel keeps a raw <c>#</c> in the path and resolves
    /// dot segments after it (<c>/v1/contacts/x#/../../status</c> is <c>/v1/status</c>) while other parsers cut there.
    /// </summary>
    private static readonly SearchValues<char> Forbidden = SearchValues.Create(
        "%\\;#\u007f" + string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)));

    public static IApplicationBuilder UseAmbiguousPathsRefused(this IApplicationBuilder app) =>
        app.Use((context, next) => Find(context.Request.Path.Value) == PathAmbiguity.None
            && FindInRawTarget(context.Features.Get<IHttpRequestFeature>()?.RawTarget, context.Request.Path.Value) == PathAmbiguity.None
            ? next(context)
            : GatewayProblems.WriteAsync(context, GatewayProblems.InvalidRequestPath));

    /// <summary>
    /// The same rules on the path as the client sent it, percent-decoded but before Kestrel resolved its dot segments:
    /// that resolution can swallow the very segment an upstream reads differently (Kestrel reads
    /// <c>/v1/contacts/..;/../admin</c> as <c>/v1/admin</c>, Tomcat as <c>/admin</c>), and a dot segment itself is
    /// refused (as Spring's firewall does): a client has no reason to send one.
    /// </summary>
    public static PathAmbiguity FindInRawTarget(string? rawTarget, string? decodedPath)
    {
        var path = RawPath(rawTarget);
        if (path.IsEmpty || path.SequenceEqual(decodedPath))
        {
            return PathAmbiguity.None; // nothing encoded and nothing resolved: the first check saw this very path
        }
        return Find(path.Contains('%') ? Uri.UnescapeDataString(path.ToString()) : path);
    }

    /// <summary>
    /// The path of an origin-form (<c>/p?q</c>) or absolute-form (<c>http://h/p?q</c>) target; empty for <c>*</c>. Cut
    /// at <c>?</c> only: Kestrel reads a <c>#</c> as part of the path, so it stays in for <see cref="Find"/> to refuse.
    /// </summary>
    private static ReadOnlySpan<char> RawPath(string? rawTarget)
    {
        var target = rawTarget.AsSpan();
        var query = target.IndexOf('?');
        if (query >= 0)
        {
            target = target[..query];
        }
        if (target.IsEmpty || target[0] == '/')
        {
            return target;
        }
        var scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return [];
        }
        var authority = target[(scheme + 3)..];
        var slash = authority.IndexOf('/');
        return slash < 0 ? [] : authority[slash..];
    }

    /// <summary>The first rule the decoded <paramref name="path"/> breaks, or <see cref="PathAmbiguity.None"/>.</summary>
    public static PathAmbiguity Find(ReadOnlySpan<char> path)
    {
        var forbidden = path.IndexOfAny(Forbidden);
        if (forbidden >= 0)
        {
            return path[forbidden] switch
            {
                '%' => PathAmbiguity.Percent,
                '\\' => PathAmbiguity.Backslash,
                ';' => PathAmbiguity.Semicolon,
                '#' => PathAmbiguity.Fragment,
                _ => PathAmbiguity.ControlCharacter,
            };
        }
        if (!Ascii.IsValid(path) && FindInUnicode(path) is var unicode and not PathAmbiguity.None)
        {
            return unicode;
        }
        return FindInSegments(path);
    }

    /// <summary>
    /// Empty segments (<c>//</c>: nginx <c>merge_slashes</c>, Go's <c>path.Clean</c>, Spring's firewall), dot-only
    /// segments (<c>.</c>, <c>..</c>, <c>...</c>), and segments ending in <c>.</c> or a space (Windows and IIS drop
    /// them: <c>admin.</c> is <c>admin</c>). A single trailing slash is an ordinary path.
    /// </summary>
    private static PathAmbiguity FindInSegments(ReadOnlySpan<char> path)
    {
        if (path.IsEmpty)
        {
            return PathAmbiguity.None;
        }
        if (path[0] != '/')
        {
            return PathAmbiguity.EmptySegment;
        }
        var rest = path[1..];
        while (true)
        {
            var slash = rest.IndexOf('/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (segment.IsEmpty)
            {
                if (slash >= 0)
                {
                    return PathAmbiguity.EmptySegment;
                }
            }
            else if (segment[^1] is '.' or ' ')
            {
                return segment.ContainsAnyExcept('.') ? PathAmbiguity.TrailingDotOrSpace : PathAmbiguity.DotSegment;
            }
            if (slash < 0)
            {
                return PathAmbiguity.None;
            }
            rest = rest[(slash + 1)..];
        }
    }

    /// <summary>
    /// Invisible characters (controls, format characters such as zero-width and bidi marks, U+2028/U+2029, private
    /// use, and the <see cref="IgnorableCharacters"/>: default-ignorable code points and noncharacters), and
    /// <see cref="CompatibilityCharacters"/>: <c>／</c>, <c>‥</c>, <c>;</c> U+037E, <c>¥</c> or fullwidth letters that an
    /// upstream reads as ASCII.
    /// </summary>
    private static PathAmbiguity FindInUnicode(ReadOnlySpan<char> path)
    {
        while (!path.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(path, out var rune, out var consumed) != OperationStatus.Done)
            {
                return PathAmbiguity.InvisibleCharacter; // an unpaired surrogate: Kestrel never decodes one, refuse it anyway
            }
            path = path[consumed..];
            if (rune.IsAscii)
            {
                continue;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse)
            {
                return PathAmbiguity.InvisibleCharacter;
            }
            if (IgnorableCharacters.Contains(rune))
            {
                return PathAmbiguity.InvisibleCharacter;
            }
            if (CompatibilityCharacters.Contains(rune))
            {
                return PathAmbiguity.CompatibilityForm;
            }
        }
        return PathAmbiguity.None;
    }
}

/// <summary>Which rule of <see cref="AmbiguousPaths"/> a path breaks.</summary>
internal enum PathAmbiguity
{
    None,
    Percent,
    Backslash,
    Semicolon,
    Fragment,
    ControlCharacter,
    EmptySegment,
    DotSegment,
    TrailingDotOrSpace,
    InvisibleCharacter,
    CompatibilityForm,
}
