using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Configuration.ClusterValidators;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Joins YARP's config validation: a cluster's <c>CircuitBreaker.FailureStatuses</c> must list 5xx codes, named by
/// cluster and field (a bad file is fatal at start and refused on reload, like the route checks).
/// </summary>
internal sealed class ClusterBreakerValidator : IClusterValidator
{
    public ValueTask ValidateAsync(ClusterConfig cluster, IList<Exception> errors)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(errors);
        var problems = new List<string>();
        UpstreamHealth.FailureStatuses(cluster.Metadata, problems);
        foreach (var problem in problems)
        {
            errors.Add(new ArgumentException($"Cluster '{cluster.ClusterId}': {problem}"));
        }
        return ValueTask.CompletedTask;
    }
}
