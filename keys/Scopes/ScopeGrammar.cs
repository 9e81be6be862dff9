namespace ApiGateway.Keys.Scopes;

/// <summary>
/// Scope strings are lowercase <c>resource:action</c> (<c>[a-z0-9_]+:[a-z0-9_]+</c>). On a key, <c>*</c> (everything)
/// and <c>*:read</c> (every read scope) are also allowed; no other wildcard is.
/// </summary>
public static class ScopeGrammar
{
    public const string All = "*";
    public const string AllRead = "*:read";
    public const string ReadSuffix = ":read";

    public static bool IsConcrete(string? scope)
    {
        if (string.IsNullOrEmpty(scope))
        {
            return false;
        }
        var colon = scope.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < scope.Length - 1 && IsName(scope.AsSpan(0, colon)) && IsName(scope.AsSpan(colon + 1));
    }

    public static bool IsWildcard(string? scope) => scope is All or AllRead;

    public static bool IsName(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }
        return true;
    }
}
