using System.Collections.Frozen;
using System.Text.Json;

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

    /// <summary>Reads <c>ReverseProxy:Routes:*:Metadata</c> from a YARP routes file. Routes with bad metadata add nothing.</summary>
    public static ScopeCatalogue FromRoutesFile(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var scopes = new List<string>();
        if (document.RootElement.TryGetProperty("ReverseProxy", out var proxy)
            && proxy.TryGetProperty("Routes", out var routes) && routes.ValueKind == JsonValueKind.Object)
        {
            foreach (var route in routes.EnumerateObject())
            {
                if (route.Value.ValueKind != JsonValueKind.Object || !route.Value.TryGetProperty("Metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                var values = metadata.EnumerateObject()
                    .Where(p => p.Value.ValueKind == JsonValueKind.String)
                    .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase);
                var policy = RouteScopePolicy.Parse(values, out var problems);
                if (problems.Count == 0)
                {
                    scopes.AddRange(policy.MentionedScopes);
                }
            }
        }
        return new ScopeCatalogue(scopes);
    }
}
