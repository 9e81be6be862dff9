using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.IdentityToken;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Transforms;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>
/// The end of a forward-auth question that every check admitted: instead of the proxy, <c>200</c> with an empty body,
/// the key's identity headers (the same ones the proxy sends upstream, <see cref="IdentityHeaders"/>), the RateLimit
/// headers the limiter set, and <c>X-Api-Key-Token</c> when signed identity is on (audience: the route's cluster, the
/// one the edge would forward to: a test key on a route with a <c>TestCluster</c> never gets here, RouteAccessCheck
/// refuses it behind forward-auth). A public route answers <c>200</c> with no identity. Refusals never get here: the steps before
/// answered them with the edge's own problems (docs/forward-auth.md).
/// </summary>
internal sealed class ForwardAuthAnswers(IOptions<GatewayOptions> gateway, IOptions<IdentityTokenOptions> tokens, IdentityTokenIssuer issuer)
{
    private static readonly Action<IHeaderDictionary, string, string> SetHeader = static (headers, name, value) => headers[name] = value;

    private readonly string _workspaceHeader = gateway.Value.WorkspaceHeader;
    private readonly bool _signsIdentity = tokens.Value.Enabled;

    public Task AnswerAsync(HttpContext context, RouteAccess access)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentLength = 0;
        if (!access.Policy.IsPublic && context.Features.Get<ApiKeyRequestFeature>() is { Key: { } key, CachedKey: { } entry } feature)
        {
            IdentityHeaders.Add(response.Headers, _workspaceHeader, feature, key, SetHeader);
            if (_signsIdentity && context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.ClusterId is { } audience)
            {
                response.Headers[IdentityTokenClaims.Header] = issuer.GetToken(entry, feature.WorkspaceId ?? key.WorkspaceId, audience);
            }
        }
        return Task.CompletedTask;
    }
}
