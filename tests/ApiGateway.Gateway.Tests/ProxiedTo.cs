using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.Tests;

/// <summary>
/// The reverse-proxy feature YARP sets on a routed request, naming the cluster it is forwarded to, for a test that runs
/// one transform or proxy step on a <c>DefaultHttpContext</c> (YARP's own implementation is internal).
/// </summary>
internal sealed class ProxiedTo(string clusterId, IReadOnlyDictionary<string, string>? metadata = null) : IReverseProxyFeature
{
    public RouteModel Route { get; } = new(new RouteConfig { RouteId = "route", ClusterId = clusterId }, cluster: null, Yarp.ReverseProxy.Forwarder.HttpTransformer.Empty);

    public ClusterModel Cluster { get; } = new(new ClusterConfig { ClusterId = clusterId, Metadata = metadata }, new HttpMessageInvoker(new SocketsHttpHandler()));

    public IReadOnlyList<DestinationState> AllDestinations => [];

    public IReadOnlyList<DestinationState> AvailableDestinations { get; set; } = [];

    public DestinationState? ProxiedDestination { get; set; }
}
