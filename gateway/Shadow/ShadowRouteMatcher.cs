using ApiGateway.Gateway.Scopes;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// Which candidate route a request would match when the candidate routes requests differently from the live file (a
/// path, method or order changed, a route added or removed): ASP.NET Core's route templates and constraints, tried in
/// routing's order (YARP's <c>Order</c>, then the more specific pattern first), with the route's <c>Methods</c>.
/// Built once per candidate; only such a candidate pays for matching, one dictionary of route values per request.
/// </summary>
/// <remarks>
/// <c>Hosts</c>, <c>Headers</c> and <c>QueryParameters</c> conditions are not evaluated here: a candidate that changes
/// routing and uses them is refused when it loads (<see cref="Unsupported"/>), so no count is ever a guess.
/// </remarks>
internal sealed class ShadowRouteMatcher
{
    private readonly Candidate[] _routes;

    private ShadowRouteMatcher(Candidate[] routes) => _routes = routes;

    /// <summary>What this matcher cannot evaluate in <paramref name="route"/>, or null when it can.</summary>
    public static string? Unsupported(RouteConfig route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var match = route.Match;
        return match.Hosts is { Count: > 0 } ? "Hosts"
            : match.Headers is { Count: > 0 } ? "Headers"
            : match.QueryParameters is { Count: > 0 } ? "QueryParameters"
            : match.Path is null ? "a route without Path"
            : null;
    }

    public static ShadowRouteMatcher Build(IEnumerable<(RouteConfig Config, RouteAccess Access)> routes, IInlineConstraintResolver constraints)
    {
        var built = routes.Select((route, index) => Candidate.Create(route.Config, route.Access, constraints, index))
            .OrderBy(c => c.Order).ThenBy(c => c.Precedence).ThenBy(c => c.Index)
            .ToArray();
        return new ShadowRouteMatcher(built);
    }

    /// <summary>The candidate route the request would match, or null: the candidate would answer 404 (or 405).</summary>
    public RouteAccess? Match(HttpContext http)
    {
        var path = http.Request.Path;
        var method = http.Request.Method;
        RouteValueDictionary? values = null;
        foreach (var route in _routes)
        {
            if (route.Methods is { } methods && !methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            values = values is null || values.Count > 0 ? new RouteValueDictionary() : values;
            if (route.Template.TryMatch(path, values) && route.ConstraintsMatch(http, values))
            {
                return route.Access;
            }
        }
        return null;
    }

    private sealed class Candidate(
        RouteAccess access, TemplateMatcher template, IReadOnlyList<string>? methods, KeyValuePair<string, IRouteConstraint>[] constraints,
        int order, decimal precedence, int index)
    {
        public RouteAccess Access { get; } = access;

        public TemplateMatcher Template { get; } = template;

        public IReadOnlyList<string>? Methods { get; } = methods;

        public int Order { get; } = order;

        public decimal Precedence { get; } = precedence;

        public int Index { get; } = index;

        public bool ConstraintsMatch(HttpContext http, RouteValueDictionary values)
        {
            foreach (var (name, constraint) in constraints)
            {
                if (!constraint.Match(http, null, name, values, RouteDirection.IncomingRequest))
                {
                    return false;
                }
            }
            return true;
        }

        public static Candidate Create(RouteConfig config, RouteAccess access, IInlineConstraintResolver resolver, int index)
        {
            var pattern = RoutePatternFactory.Parse(config.Match.Path!);
            var constraints = new List<KeyValuePair<string, IRouteConstraint>>();
            foreach (var (name, policies) in pattern.ParameterPolicies)
            {
                foreach (var policy in policies)
                {
                    var constraint = policy.ParameterPolicy as IRouteConstraint
                        ?? (policy.Content is { } content ? resolver.ResolveConstraint(content) : null);
                    if (constraint is not null)
                    {
                        constraints.Add(new(name, constraint));
                    }
                }
            }
            var methods = config.Match.Methods is { Count: > 0 } m ? m : null;
            var defaults = new RouteValueDictionary(pattern.Defaults);
            return new Candidate(access, new TemplateMatcher(new RouteTemplate(pattern), defaults), methods, [.. constraints],
                config.Order ?? 0, pattern.InboundPrecedence, index);
        }
    }
}
