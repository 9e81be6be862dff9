using ApiGateway.Keys.Format;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// One of our own keys (format and checksum, <see cref="KeyFormat"/>) anywhere in the URL, whatever carries it: any
/// query parameter's value or name, percent-decoded as a form decoder reads it, also after a <c>Bearer </c> prefix
/// (<c>?q=…</c>, <c>?x-api-key=…</c>, a bare <c>?agw_live_…</c>, <c>?authorization=Bearer%20…</c>), or a path
/// segment. Such a URL would put a working key in the upstream's access logs. Cheap: nothing is parsed unless the
/// product prefix appears (or the query holds an escape that could hide it). Keys matching <c>Keys:ImportedKeyPattern</c>
/// are not looked for: an operator's pattern may match ordinary ids (docs/security.md "Keys in URLs").
/// </summary>
internal sealed class KeysInUrl(KeyFormat format)
{
    private readonly string _prefix = format.Prefix;

    public bool Present(HttpRequest request) => InQuery(request.QueryString.Value) || InPath(request.Path.Value);

    private bool InQuery(string? query)
    {
        if (string.IsNullOrEmpty(query)
            || (!query.Contains(_prefix, StringComparison.Ordinal) && !query.Contains('%', StringComparison.Ordinal)))
        {
            return false;
        }
        foreach (var (name, value) in QueryParameterNames.Decoded(query))
        {
            if (IsKey(name) || IsKey(value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Kestrel has decoded the path already (but <c>%2F</c>, which no key contains).</summary>
    private bool InPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || !path.Contains(_prefix, StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var segment in path.AsSpan().Split('/'))
        {
            if (IsKey(path.AsSpan(segment)))
            {
                return true;
            }
        }
        return false;
    }

    private bool IsKey(ReadOnlySpan<char> value)
    {
        value = value.Trim(" \t");
        if (value.Length > 7 && value.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase) && value[6] is ' ' or '\t')
        {
            value = value[7..].TrimStart(" \t");
        }
        return value.StartsWith(_prefix, StringComparison.Ordinal) && format.TryParse(value, out _);
    }
}
