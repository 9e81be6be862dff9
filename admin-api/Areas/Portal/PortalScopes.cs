using ApiGateway.Keys.Scopes;

namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// What a session may put on a key: its allowed scopes as the catalogue stands now. <c>*</c> allows every catalogue scope
/// and both wildcards; <c>*:read</c> allows every <c>…:read</c> scope and <c>*:read</c>; a concrete scope allows itself
/// while the routes file still defines it. The form offers exactly these and the server accepts nothing else.
/// </summary>
internal static class PortalScopes
{
    public static IReadOnlyList<string> Offered(IReadOnlyList<string> allowed, ScopeCatalogue catalogue)
    {
        var everything = allowed.Contains(ScopeGrammar.All, StringComparer.Ordinal);
        var allReads = everything || allowed.Contains(ScopeGrammar.AllRead, StringComparer.Ordinal);
        var offered = catalogue.Scopes
            .Where(s => everything || (allReads && s.EndsWith(ScopeGrammar.ReadSuffix, StringComparison.Ordinal)) || allowed.Contains(s, StringComparer.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (allReads)
        {
            offered.Add(ScopeGrammar.AllRead);
        }
        if (everything)
        {
            offered.Add(ScopeGrammar.All);
        }
        return offered;
    }
}
