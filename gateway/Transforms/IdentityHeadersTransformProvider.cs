using System.Collections.Frozen;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Proxy;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Keys.Format;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Transforms;

/// <summary>
/// On every route, first of all transforms: removes every client header <see cref="ClientHeaderFilter"/> names (identity
/// headers in any case and spelling, <c>Authorization</c>, method and path overrides, and, unless the peer is a trusted
/// proxy, every forwarding header) and the <c>_method</c> query parameter. Then sets <c>X-Forwarded-For/Proto/Host</c>: fresh from an untrusted peer; from a
/// trusted proxy its <c>X-Forwarded-For</c> chain is extended and its other forwarding headers pass as sent. Last, on
/// key-protected routes, sets the identity of the verified key: workspace (configured header), key id, mode and
/// owner (only when the key has one).
/// </summary>
internal sealed class IdentityHeadersTransformProvider(IOptions<GatewayOptions> options, ClientIpResolver clientIps, RouteAccessTable routes) : ITransformProvider
{
    public const string KeyIdHeader = IdentityHeaders.KeyIdHeader;
    public const string KeyModeHeader = IdentityHeaders.KeyModeHeader;
    public const string KeyOwnerHeader = IdentityHeaders.KeyOwnerHeader;

    private static readonly Action<System.Net.Http.Headers.HttpRequestHeaders, string, string> AddUnvalidated =
        static (headers, name, value) => headers.TryAddWithoutValidation(name, value);

    private readonly string _workspaceHeader = options.Value.WorkspaceHeader;
    private readonly ClientHeaderFilter _filter = new(options.Value.WorkspaceHeader);

    private static readonly RequestTransform[] FreshForwarders =
    [
        new RequestHeaderXForwardedForTransform(ForwardedHeaders.For, ForwardedTransformActions.Set),
        new RequestHeaderXForwardedProtoTransform(ForwardedHeaders.Proto, ForwardedTransformActions.Set),
        new RequestHeaderXForwardedHostTransform(ForwardedHeaders.Host, ForwardedTransformActions.Set),
    ];

    /// <summary>
    /// From a trusted proxy: its chain extended, and its scheme and host passed on. ASP.NET Core's forwarded-headers
    /// middleware consumed <c>X-Forwarded-Proto/-Host</c> into <c>Request.Scheme/Host</c> (Hosting/TrustedProxyForwardedHeaders),
    /// so they are set again from there, and the <c>X-Original-*</c> copies it left behind are not forwarded.
    /// </summary>
    private static readonly RequestTransform[] TrustedForwarders =
    [
        new RequestHeaderXForwardedForTransform(ForwardedHeaders.For, ForwardedTransformActions.Append),
        new RequestHeaderXForwardedProtoTransform(ForwardedHeaders.Proto, ForwardedTransformActions.Set),
        new RequestHeaderXForwardedHostTransform(ForwardedHeaders.Host, ForwardedTransformActions.Set),
        new RequestHeaderRemoveTransform(Microsoft.AspNetCore.HttpOverrides.ForwardedHeadersDefaults.XOriginalProtoHeaderName),
        new RequestHeaderRemoveTransform(Microsoft.AspNetCore.HttpOverrides.ForwardedHeadersDefaults.XOriginalHostHeaderName),
    ];

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Parsed once per route build (shared with validation and the endpoint); validation has refused bad metadata.
        var isPublic = routes.For(context.Route).Policy.IsPublic;
        var workspaceHeader = _workspaceHeader;
        // Before the route's own transforms, so that nothing a route sets is stripped.
        context.RequestTransforms.Insert(0, new RequestFuncTransform(StripClientOverrides));
        if (context.UseDefaultForwarders ?? true)
        {
            context.UseDefaultForwarders = false;
            context.AddRequestTransform(AddForwardersAsync);
        }
        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            if (!isPublic && transform.HttpContext.Features.Get<ApiKeyRequestFeature>() is { Key: { } key } feature)
            {
                IdentityHeaders.Add(headers, workspaceHeader, feature, key, AddUnvalidated);
            }
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// Laravel, Symfony and Rails take <c>?_method=DELETE</c> on a POST as the method, like the override headers: the
    /// scope was checked for the real method, so the parameter never reaches the upstream either, in any spelling
    /// <see cref="QueryParameterNames"/> reads as it.
    /// </summary>
    public const string MethodParameter = "_method";

    private static readonly FrozenSet<string> MethodParameterNames = FrozenSet.Create(MethodParameter);

    [ThreadStatic]
    private static List<string>? t_stripped;

    private ValueTask StripClientOverrides(RequestTransformContext transform)
    {
        var request = transform.HttpContext.Request;
        if (QueryParameterNames.Contains(request.QueryString.Value, MethodParameterNames))
        {
            // Every spelling an upstream reads as _method (?+_method=, ?.method=, ?a=1;_method=): the collection YARP
            // edits only knows '&' and exact names, so the raw query is rewritten and the transform's view rebuilt
            // from it (this transform runs first: nothing has edited the query yet).
            request.QueryString = new QueryString(QueryParameterNames.Without(request.QueryString.Value!, MethodParameter));
            transform.Query = new QueryTransformContext(request);
        }

        var trusted = clientIps.IsTrustedProxy(transform.HttpContext);
        var headers = transform.ProxyRequest.Headers;
        // The non-validated view enumerates without allocating; removal waits until the enumeration is over. Every
        // keyed request carries at least Authorization to strip, so the list is the thread's own, reused: this
        // transform never awaits, so no other request can use it in between.
        var stripped = t_stripped ??= new List<string>(4);
        foreach (var header in headers.NonValidated)
        {
            if (_filter.Strips(header.Key, trusted))
            {
                stripped.Add(header.Key);
            }
        }
        foreach (var name in stripped)
        {
            headers.Remove(name);
        }
        stripped.Clear();
        return ValueTask.CompletedTask;
    }

    private async ValueTask AddForwardersAsync(RequestTransformContext transform)
    {
        foreach (var forwarder in clientIps.IsTrustedProxy(transform.HttpContext) ? TrustedForwarders : FreshForwarders)
        {
            await forwarder.ApplyAsync(transform);
        }
    }

    private static class ForwardedHeaders
    {
        public const string For = "X-Forwarded-For";
        public const string Proto = "X-Forwarded-Proto";
        public const string Host = "X-Forwarded-Host";
    }
}
