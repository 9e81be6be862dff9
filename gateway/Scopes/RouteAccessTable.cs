using System.Runtime.CompilerServices;
using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Scopes;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Scopes;

/// <summary>
/// Each route's <see cref="RouteAccess"/>, parsed once per <see cref="RouteConfig"/> YARP builds: its validation
/// (<see cref="RouteScopesValidator"/>), the transform providers and the endpoint metadata all read the same instance.
/// A reload that changes a route gives it a new <see cref="RouteConfig"/> and so a new parse; an unchanged route keeps
/// its entry, and entries of routes YARP dropped go with them (the table holds its keys weakly).
/// </summary>
internal sealed class RouteAccessTable
{
    private readonly ConditionalWeakTable<RouteConfig, RouteAccess> _routes = new();
    private int _parses;

    /// <summary>How many times a route's metadata was parsed (a test's view of "once per route build").</summary>
    public int Parses => Volatile.Read(ref _parses);

    public RouteAccess For(RouteConfig route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return _routes.GetValue(route, Parse);
    }

    private RouteAccess Parse(RouteConfig route)
    {
        Interlocked.Increment(ref _parses);
        var policy = RouteScopePolicy.Parse(route.Metadata, out var scopeProblems);
        var problems = new List<string>(scopeProblems);
        var webSockets = RouteWebSockets.Allowed(route.Metadata, problems);
        return new RouteAccess(route.RouteId, policy, webSockets, problems);
    }
}
