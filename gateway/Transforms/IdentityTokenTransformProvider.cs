using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.IdentityToken;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Transforms;

/// <summary>
/// With <c>Gateway:IdentityToken:Enabled</c>: on key-protected routes, adds <c>X-Api-Key-Token</c>, the signed identity
/// of the verified key, for the cluster the request is actually forwarded to (a test key's <c>TestCluster</c>
/// included). Runs after <see cref="IdentityHeadersTransformProvider"/>, which removed any client copy.
/// </summary>
internal sealed class IdentityTokenTransformProvider(IdentityTokenIssuer issuer, RouteAccessTable routes) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (routes.For(context.Route).Policy.IsPublic)
        {
            return;
        }
        context.AddRequestTransform(transform =>
        {
            var http = transform.HttpContext;
            if (http.Features.Get<ApiKeyRequestFeature>() is { CachedKey: { } key } feature
                && http.Features.Get<IReverseProxyFeature>()?.Cluster.Config.ClusterId is { } audience)
            {
                var token = issuer.GetToken(key, feature.WorkspaceId ?? key.Key.WorkspaceId, audience);
                transform.ProxyRequest.Headers.TryAddWithoutValidation(IdentityTokenClaims.Header, token);
            }
            return ValueTask.CompletedTask;
        });
    }
}
