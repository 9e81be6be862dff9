using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// The request methods the gateway accepts at all, checked before routing, authentication or any metric label
/// (docs/security.md "Methods"): GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, plus any method a route's
/// <c>Match.Methods</c> names (kept current through <see cref="IConfigChangeListener"/>). Methods are case-sensitive
/// (RFC 9110): <c>get</c> is not <c>GET</c>. Everything else is refused without per-request state: 405 with
/// <c>Allow</c> when a route could name the method (YARP's route validator accepts the standard set and TRACE),
/// 501 for any other token, since no route can ever match it.
/// </summary>
/// <remarks>
/// RFC 8441 extended CONNECT (HTTP/2 <c>:protocol</c>, WebSockets) is not a plain CONNECT: it passes here and the
/// route's WebSocket policy decides (docs/gateway.md "WebSockets and other upgrades"). Further pass-through rules of that kind belong in
/// <see cref="Classify"/>.
/// </remarks>
internal sealed class AllowedMethods : IConfigChangeListener
{
    public static readonly IReadOnlyList<string> Standard =
        [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Options];

    /// <summary>What YARP lets a route's <c>Match.Methods</c> name (its <c>MethodsValidator</c>, case-insensitive).</summary>
    public static readonly FrozenSet<string> Routable = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, [.. Standard, HttpMethods.Trace]);

    private volatile Snapshot _current = new([]);

    /// <summary>The value of the <c>Allow</c> header on a 405: every method currently accepted.</summary>
    public string Allow => _current.Allow;

    public MethodVerdict Classify(HttpContext context)
    {
        var method = context.Request.Method;
        if (_current.Methods.Contains(method))
        {
            return MethodVerdict.Allowed;
        }
        if (HttpMethods.IsConnect(method) && context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true)
        {
            return MethodVerdict.Allowed;
        }
        return Routable.Contains(method) ? MethodVerdict.NotAllowed : MethodVerdict.NotImplemented;
    }

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception)
    {
    }

    /// <summary>A config YARP validated and applied: the methods its routes name join the standard set.</summary>
    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        ArgumentNullException.ThrowIfNull(proxyConfigs);
        _current = new Snapshot(proxyConfigs.SelectMany(config => config.Routes).SelectMany(route => route.Match.Methods ?? []));
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception)
    {
    }

    /// <summary>The standard methods, then those the routes name (upper-cased: YARP matches them in any case), once each.</summary>
    private sealed class Snapshot
    {
        public Snapshot(IEnumerable<string> named)
        {
            var methods = Standard.Concat(named.Select(method => method.ToUpperInvariant())).Distinct(StringComparer.Ordinal).ToArray();
            Methods = methods.ToFrozenSet(StringComparer.Ordinal);
            Allow = string.Join(", ", methods);
        }

        public FrozenSet<string> Methods { get; }

        public string Allow { get; }
    }
}

/// <summary>What <see cref="AllowedMethods.Classify"/> decided about a request's method.</summary>
internal enum MethodVerdict
{
    Allowed,

    /// <summary>405: a method a route could name, but none does.</summary>
    NotAllowed,

    /// <summary>501: a token no route can ever match.</summary>
    NotImplemented,
}
