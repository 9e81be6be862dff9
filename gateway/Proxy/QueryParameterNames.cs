using System.Text;
using Microsoft.Extensions.Primitives;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Reads query parameter names the way the most lenient upstream frameworks do, so that a name the gateway refuses
/// or strips cannot slip through in another spelling. PHP trims leading spaces, cuts the name at NUL and turns
/// <c>.</c>, space and <c>[</c> into <c>_</c> (<c>a[]</c>/<c>a[0]</c> is an array named <c>a</c>); Rack, old Go and
/// Python also split parameters at <c>;</c>; every form decoder reads <c>+</c> as a space. <c>-</c> counts as
/// <c>_</c> and case is ignored. One reading for every check: docs/security.md "Query parameters".
/// </summary>
internal static class QueryParameterNames
{
    private static readonly char[] Separators = ['&', ';'];

    /// <summary>Whether any parameter of the raw <paramref name="query"/> (with or without its <c>?</c>) reads as one of <paramref name="names"/> (lower case, <c>_</c>).</summary>
    public static bool Contains(string? query, IReadOnlySet<string> names)
    {
        foreach (var (_, name) in Parameters(query))
        {
            if (names.Contains(name))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The raw <paramref name="query"/> (starting with <c>?</c>) without the parameters that read as
    /// <paramref name="name"/>; the others keep their bytes and separators. Empty when nothing is left.
    /// </summary>
    public static string Without(string query, string name)
    {
        var result = new StringBuilder(query.Length);
        foreach (var (segment, parameterName) in Parameters(query))
        {
            if (parameterName == name || segment.Start.Equals(segment.End))
            {
                continue;
            }
            result.Append(result.Length == 0 ? '?' : query[segment.Start.Value - 1]).Append(query.AsSpan(segment));
        }
        return result.ToString();
    }

    /// <summary>
    /// The values (percent-decoded, <c>+</c> a space) of every parameter that reads as <paramref name="name"/>, in
    /// order: what an upstream may take as that parameter, whichever spelling or position it picks.
    /// </summary>
    public static StringValues Values(string? query, string name)
    {
        List<string>? values = null;
        foreach (var (segment, parameterName) in Parameters(query))
        {
            if (parameterName == name)
            {
                (values ??= []).Add(NameAndValue(query!, segment).Value);
            }
        }
        return values is null ? StringValues.Empty : new StringValues([.. values]);
    }

    /// <summary>
    /// Each parameter's name and value, percent-decoded as a form decoder reads them (<c>+</c> is a space), split where
    /// <see cref="Contains"/> splits: for checks on what a parameter carries, whatever its name.
    /// </summary>
    public static IEnumerable<(string Name, string Value)> Decoded(string? query)
    {
        foreach (var segment in Segments(query))
        {
            yield return NameAndValue(query!, segment);
        }
    }

    private static (string Name, string Value) NameAndValue(string query, Range segment)
    {
        var text = query.AsSpan(segment);
        var equals = text.IndexOf('=');
        return equals < 0 ? (FormDecode(text), string.Empty) : (FormDecode(text[..equals]), FormDecode(text[(equals + 1)..]));
    }

    /// <summary>The name as a lenient upstream reads it, lower case, <c>_</c> for <c>-</c>, <c>.</c>, space and <c>[</c>.</summary>
    public static string Normalise(ReadOnlySpan<char> rawName)
    {
        var name = FormDecode(rawName).AsSpan().TrimStart(' ');
        var nul = name.IndexOf('\0');
        if (nul >= 0)
        {
            name = name[..nul];
        }
        var bracket = name.IndexOf('[');
        if (bracket > 0 && name[bracket..].Contains(']'))
        {
            name = name[..bracket];
        }
        return string.Create(name.Length, name.ToString(), static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is '.' or ' ' or '-' or '[' ? '_' : char.ToLowerInvariant(source[i]);
            }
        });
    }

    private static string FormDecode(ReadOnlySpan<char> raw) =>
        raw.Contains('+') || raw.Contains('%') ? Uri.UnescapeDataString(raw.ToString().Replace('+', ' ')) : raw.ToString();

    /// <summary>Each parameter: its range in <paramref name="query"/> and its normalised name.</summary>
    private static IEnumerable<(Range Segment, string Name)> Parameters(string? query)
    {
        foreach (var segment in Segments(query))
        {
            var (start, length) = segment.GetOffsetAndLength(query!.Length);
            var equals = query.IndexOf('=', start, length);
            yield return (segment, Normalise(query.AsSpan(start, (equals < 0 ? start + length : equals) - start)));
        }
    }

    /// <summary>Each parameter's range in <paramref name="query"/>, split at <c>&amp;</c> and <c>;</c>, after a leading <c>?</c>.</summary>
    private static IEnumerable<Range> Segments(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            yield break;
        }
        var start = query[0] == '?' ? 1 : 0;
        while (start <= query.Length)
        {
            var end = query.IndexOfAny(Separators, start);
            end = end < 0 ? query.Length : end;
            yield return start..end;
            start = end + 1;
        }
    }
}
