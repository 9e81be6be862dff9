using ApiGateway.Gateway.ForwardAuth;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Keeps the listeners apart during routing: endpoints marked <see cref="InternalEndpointMetadata"/> match only
/// requests that arrived on the internal port, those marked <see cref="ForwardAuthEndpointMetadata"/> (<c>/v1/verify</c>)
/// only requests on the forward-auth port that are verify calls by their own request (<see cref="VerifyCall"/>: a
/// question about <c>/v1/verify</c> matches nothing), and every other endpoint (the proxy routes) requests on the public port and,
/// as questions about another request, on the forward-auth port (docs/forward-auth.md). It looks at the connection's
/// local port, never at the client-controlled <c>Host</c> header.
/// </summary>
internal sealed class ListenerMatcherPolicy(IOptions<GatewayOptions> options) : MatcherPolicy, IEndpointSelectorPolicy
{
    private readonly int _internalPort = options.Value.InternalPort;
    private readonly int _forwardAuthPort = options.Value.ForwardAuthPort;

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => true;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var port = httpContext.Connection.LocalPort;
        var isInternal = port == _internalPort;
        var isForwardAuth = !isInternal && port == _forwardAuthPort;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }
            var metadata = candidates[i].Endpoint.Metadata;
            var valid = metadata.GetMetadata<InternalEndpointMetadata>() is not null ? isInternal
                : metadata.GetMetadata<ForwardAuthEndpointMetadata>() is not null ? isForwardAuth && VerifyCall.IsMarked(httpContext)
                : !isInternal;
            if (!valid)
            {
                candidates.SetValidity(i, false);
            }
        }
        return Task.CompletedTask;
    }
}
