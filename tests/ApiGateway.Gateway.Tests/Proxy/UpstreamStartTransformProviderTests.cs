using System.Net;
using ApiGateway.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// The provider's one response transform tells the cluster's real breaker how each forward started, as soon as headers
/// arrive (or the failure is known): the breaker never waits for a body, a stream or a tunnel. The forwards through a
/// gateway are in CircuitBreakerTests; here the transform runs alone, five forwards at a time (the breaker's minimum).
/// </summary>
public sealed class UpstreamStartTransformProviderTests
{
    private readonly UpstreamCircuitBreakers _breakers = new(new FakeTimeProvider(DateTimeOffset.UnixEpoch), NullLogger<UpstreamCircuitBreakers>.Instance);

    private sealed record Failure(ForwarderError Error, Exception? Exception) : IForwarderErrorFeature;

    private ResponseTransform ResponseTransform()
    {
        var context = new TransformBuilderContext
        {
            Route = new RouteConfig { RouteId = "contacts", ClusterId = "main" },
            Services = new ServiceCollection().BuildServiceProvider(),
        };
        new UpstreamStartTransformProvider(_breakers).Apply(context);
        Assert.Empty(context.RequestTransforms);
        return Assert.Single(context.ResponseTransforms);
    }

    private static async Task StartForwardsAsync(ResponseTransform transform, ProxiedTo cluster, Func<HttpResponseMessage?> response, IForwarderErrorFeature? failure = null)
    {
        for (var i = 0; i < UpstreamCircuitBreakers.MinimumThroughput; i++)
        {
            var http = new DefaultHttpContext();
            http.Features.Set<IReverseProxyFeature>(cluster);
            if (failure is not null)
            {
                http.Features.Set(failure);
            }
            using var proxied = response();
            await transform.ApplyAsync(new ResponseTransformContext { HttpContext = http, ProxyResponse = proxied });
        }
    }

    [Fact]
    public async Task Forwards_UpstreamRefusedConnections_OpensThatClustersCircuitOnly()
    {
        var transform = ResponseTransform();
        var refused = new Failure(ForwarderError.Request, new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));

        await StartForwardsAsync(transform, new ProxiedTo("main"), () => null, refused);

        Assert.False(_breakers.For("main").IsClosed);
        Assert.True(_breakers.For("sandbox").IsClosed);
    }

    [Fact]
    public async Task Forwards_ResponseHeadersArrived_CircuitStaysClosed()
    {
        var transform = ResponseTransform();

        await StartForwardsAsync(transform, new ProxiedTo("main"), () => new HttpResponseMessage(HttpStatusCode.OK));

        Assert.True(_breakers.For("main").IsClosed);
    }

    [Fact]
    public async Task Forwards_503FromAClusterThatListsIt_OpensTheCircuit()
    {
        var transform = ResponseTransform();
        var optedIn = new ProxiedTo("main", new Dictionary<string, string> { [UpstreamHealth.FailureStatusesKey] = "502,503" });

        await StartForwardsAsync(transform, optedIn, () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        Assert.False(_breakers.For("main").IsClosed);
    }

    /// <summary>A request's own failure (here its client left) says nothing about the upstream: one tenant cannot cut a cluster off.</summary>
    [Fact]
    public async Task Forwards_FailedForTheirOwnReason_CircuitStaysClosed()
    {
        var transform = ResponseTransform();

        await StartForwardsAsync(transform, new ProxiedTo("main"), () => null, new Failure(ForwarderError.RequestCanceled, new OperationCanceledException()));

        Assert.True(_breakers.For("main").IsClosed);
    }
}
