using System.Collections.Frozen;
using ApiGateway.Keys.Routes;

namespace ApiGateway.Keys.Scopes;

/// <summary>
/// The scopes the routes file defines: every concrete scope any route can require. A key's scopes must come from
/// here (or be <c>*</c> / <c>*:read</c>), so a typo cannot mint a key that silently grants nothing.
/// </summary>
public sealed class ScopeCatalogue
{
    public ScopeCatalogue(IEnumerable<string> scopes)
    {
        Scopes = scopes.ToFrozenSet(StringComparer.Ordinal);
    }

    public FrozenSet<string> Scopes { get; }

    /// <summary>Resources with the actions they define (<c>contacts</c> → <c>read</c>, <c>write</c>), for pickers.</summary>
    public IReadOnlyDictionary<string, string[]> ByResource =>
        Scopes.GroupBy(s => s[..s.IndexOf(':', StringComparison.Ordinal)], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(s => s[(s.IndexOf(':', StringComparison.Ordinal) + 1)..]).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    /// <summary>Whether a key may hold <paramref name="scope"/>.</summary>
    public bool Allows(string scope) => ScopeGrammar.IsWildcard(scope) || (ScopeGrammar.IsConcrete(scope) && Scopes.Contains(scope));

    /// <summary>
    /// Reads <c>ReverseProxy:Routes:*:Metadata</c> from a YARP routes file, as the gateway reads it (<see cref="RoutesFile"/>:
    /// names in any case, every value as text). Routes with bad metadata add nothing. Throws what <see cref="RoutesFile.Read"/> throws.
    /// </summary>
    public static ScopeCatalogue FromRoutesFile(string path)
    {
        var scopes = new List<string>();
        foreach (var route in RoutesFile.Read(path).GetSection("ReverseProxy:Routes").GetChildren())
        {
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in route.GetSection("Metadata").GetChildren())
            {
                if (entry.Value is { } value)
                {
                    values[entry.Key] = value;
                }
            }
            var policy = RouteScopePolicy.Parse(values, out var problems);
            if (problems.Count == 0)
            {
                scopes.AddRange(policy.MentionedScopes);
            }
        }
        return new ScopeCatalogue(scopes);
    }
}
