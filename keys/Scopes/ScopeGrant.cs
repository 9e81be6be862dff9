namespace ApiGateway.Keys.Scopes;

/// <summary>
/// Whether a key's scopes cover what a route requires. Scopes compare exactly; <c>*</c> grants everything and
/// <c>*:read</c> every <c>…:read</c> scope. Write never implies read.
/// </summary>
public static class ScopeGrant
{
    public static bool Covers(IReadOnlyCollection<string> granted, string required)
    {
        ArgumentNullException.ThrowIfNull(granted);
        ArgumentNullException.ThrowIfNull(required);
        return granted.Contains(required)
            || granted.Contains(ScopeGrammar.All)
            || (required.EndsWith(ScopeGrammar.ReadSuffix, StringComparison.Ordinal) && granted.Contains(ScopeGrammar.AllRead));
    }

    /// <summary>The required scopes not covered by <paramref name="granted"/>, in the route's order; empty when all are.</summary>
    public static IReadOnlyList<string> Missing(IReadOnlyCollection<string> granted, IReadOnlyList<string> required)
    {
        ArgumentNullException.ThrowIfNull(required);
        List<string>? missing = null;
        // Indexed, not foreach: enumerating an IReadOnlyList allocates an enumerator on the per-request path.
        for (var i = 0; i < required.Count; i++)
        {
            if (!Covers(granted, required[i]))
            {
                (missing ??= []).Add(required[i]);
            }
        }
        return missing ?? (IReadOnlyList<string>)[];
    }
}
