using System.Collections.Frozen;
using System.Globalization;

namespace ApiGateway.Keys.Scopes;

/// <summary>
/// What a route requires, read once from its YARP <c>Metadata</c> (docs/gateway.md "Routes and scopes"):
/// <c>Public</c>, <c>Scopes</c> (all listed, any method), <c>Scopes.{METHOD}</c> (overrides for one method) and
/// <c>Resource</c> (GET/HEAD/OPTIONS need <c>r:read</c>, other methods <c>r:write</c>). A method the route maps to no
/// scope is refused. Beside the scopes it carries the route's other request policy: <c>LiveOnly</c>, <c>TestCluster</c>
/// and <c>Cost</c> (the quota units one admitted request spends, docs/gateway.md "Request cost").
/// <see cref="Parse"/> collects every problem so a bad routes file names them all.
/// </summary>
public sealed class RouteScopePolicy
{
    public const string PublicKey = "Public";
    public const string ScopesKey = "Scopes";
    public const string ResourceKey = "Resource";
    public const string MethodScopesPrefix = "Scopes.";
    public const string LiveOnlyKey = "LiveOnly";
    public const string TestClusterKey = "TestCluster";
    public const string CostKey = "Cost";

    /// <summary>The most units one request may cost (docs/gateway.md "Request cost").</summary>
    public const int MaxCost = 1000;

    private static readonly FrozenSet<string> ReadMethods = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "GET", "HEAD", "OPTIONS");

    private readonly string[]? _all;
    private readonly string? _resource;
    // Built once, so the per-request RequiredFor allocates nothing (bench/: ScopeCheckBenchmarks).
    private readonly string[]? _resourceRead;
    private readonly string[]? _resourceWrite;
    private readonly FrozenDictionary<string, string[]> _byMethod;

    private RouteScopePolicy(bool isPublic, string[]? all, string? resource, FrozenDictionary<string, string[]> byMethod, bool liveOnly, string? testCluster, int cost)
    {
        IsPublic = isPublic;
        _all = all;
        _resource = resource;
        _resourceRead = resource is null ? null : [resource + ":read"];
        _resourceWrite = resource is null ? null : [resource + ":write"];
        _byMethod = byMethod;
        LiveOnly = liveOnly;
        TestCluster = testCluster;
        Cost = cost;
    }

    public bool IsPublic { get; }

    /// <summary>Test-mode keys are refused on this route (403).</summary>
    public bool LiveOnly { get; }

    /// <summary>Requests with test-mode keys go to this cluster instead of the route's own.</summary>
    public string? TestCluster { get; }

    /// <summary>
    /// The units of every daily and monthly quota an admitted request on this route spends (<c>Cost</c>, 1 to
    /// <see cref="MaxCost"/>, default 1); rate limits still count requests. Also what usage records as units.
    /// </summary>
    public int Cost { get; }

    /// <summary>Every concrete scope the route can require: the route's part of the scope catalogue.</summary>
    public IEnumerable<string> MentionedScopes =>
        (_all ?? []).Concat(_byMethod.Values.SelectMany(s => s))
        .Concat(_resource is null ? [] : [_resource + ":read", _resource + ":write"]).Distinct(StringComparer.Ordinal);

    /// <summary>The scopes <paramref name="method"/> requires (all of them), or null when the route maps the method to none: refuse it.</summary>
    public IReadOnlyList<string>? RequiredFor(string method)
    {
        if (_byMethod.TryGetValue(method, out var scopes))
        {
            return scopes;
        }
        if (_all is not null)
        {
            return _all;
        }
        if (_resourceRead is not null)
        {
            return ReadMethods.Contains(method) ? _resourceRead : _resourceWrite;
        }
        return null;
    }

    public static RouteScopePolicy Parse(IReadOnlyDictionary<string, string>? metadata, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        metadata ??= new Dictionary<string, string>();
        string? Get(string key) => metadata.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

        var isPublic = ParseBool(Get(PublicKey), PublicKey, errors);
        var liveOnly = ParseBool(Get(LiveOnlyKey), LiveOnlyKey, errors);
        var testCluster = Get(TestClusterKey);
        if (testCluster is not null && string.IsNullOrWhiteSpace(testCluster))
        {
            errors.Add($"Metadata '{TestClusterKey}' must name a cluster.");
        }
        var cost = ParseCost(Get(CostKey), errors);

        var all = Get(ScopesKey) is { } allText ? ParseList(allText, ScopesKey, errors) : null;
        var resource = Get(ResourceKey);
        if (resource is not null && !ScopeGrammar.IsName(resource))
        {
            errors.Add($"Metadata '{ResourceKey}' must be a lowercase resource name ([a-z0-9_]+), not '{resource}'.");
            resource = null;
        }
        if (resource is not null && all is not null)
        {
            errors.Add($"Metadata '{ResourceKey}' and '{ScopesKey}' cannot be combined: use '{ScopesKey}.{{METHOD}}' to override one method.");
        }

        var byMethod = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in metadata)
        {
            if (!key.StartsWith(MethodScopesPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var method = key[MethodScopesPrefix.Length..];
            if (method.Length == 0 || !method.All(char.IsAsciiLetter))
            {
                errors.Add($"Metadata '{key}' does not name an HTTP method.");
                continue;
            }
            byMethod[method.ToUpperInvariant()] = ParseList(value, key, errors);
        }

        var requiresScopes = all is not null || resource is not null || byMethod.Count > 0;
        if (isPublic && requiresScopes)
        {
            errors.Add($"Metadata '{PublicKey}' cannot be combined with '{ScopesKey}', '{MethodScopesPrefix}{{METHOD}}' or '{ResourceKey}'.");
        }
        if (!isPublic && !requiresScopes)
        {
            errors.Add($"Metadata needs '{ScopesKey}', '{MethodScopesPrefix}{{METHOD}}', '{ResourceKey}' or '{PublicKey}': routes deny by default.");
        }

        problems = errors;
        return new RouteScopePolicy(isPublic, all, resource, byMethod.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), liveOnly, testCluster, cost);
    }

    private static int ParseCost(string? text, List<string> errors)
    {
        if (text is null)
        {
            return 1;
        }
        // Digits only: no sign, no spaces, no exponent or fraction, so "5" means 5 and nothing else passes as a cost.
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cost) && cost is >= 1 and <= MaxCost)
        {
            return cost;
        }
        errors.Add($"Metadata '{CostKey}' must be an integer from 1 to {MaxCost}, not '{text}'.");
        return 1;
    }

    private static bool ParseBool(string? text, string key, List<string> errors)
    {
        if (text is null)
        {
            return false;
        }
        if (bool.TryParse(text, out var value))
        {
            return value;
        }
        errors.Add($"Metadata '{key}' must be 'true' or 'false', not '{text}'.");
        return false;
    }

    private static string[] ParseList(string text, string key, List<string> errors)
    {
        var scopes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (scopes.Length == 0)
        {
            errors.Add($"Metadata '{key}' lists no scope.");
        }
        foreach (var scope in scopes.Where(s => !ScopeGrammar.IsConcrete(s)))
        {
            errors.Add($"Metadata '{key}' has '{scope}', which is not a lowercase 'resource:action' scope.");
        }
        return scopes;
    }
}
