using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Keeps the two listeners apart during routing: endpoints marked <see cref="InternalEndpointMetadata"/> match only
/// requests that arrived on the internal port, every other endpoint (the proxy routes) only requests that did not.
/// It looks at the connection's local port, never at the client-controlled <c>Host</c> header.
/// </summary>
internal sealed class ListenerMatcherPolicy(IOptions<GatewayOptions> options) : MatcherPolicy, IEndpointSelectorPolicy
{
    private readonly int _internalPort = options.Value.InternalPort;

    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => true;

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var isInternal = httpContext.Connection.LocalPort == _internalPort;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!candidates.IsValidCandidate(i))
            {
                continue;
            }
            var internalOnly = candidates[i].Endpoint.Metadata.GetMetadata<InternalEndpointMetadata>() is not null;
            if (internalOnly != isInternal)
            {
                candidates.SetValidity(i, false);
            }
        }
        return Task.CompletedTask;
    }
}
