using System.Net;
using ApiGateway.Gateway.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// What one forward's start tells the circuit breaker: unreachable upstreams, timeouts to headers and opted-in 5xx
/// are failures; anything a request causes itself is no verdict at all.
/// </summary>
public sealed class UpstreamHealthTests
{
    private static readonly ClusterConfig OptedIn = new()
    {
        ClusterId = "c",
        Metadata = new Dictionary<string, string> { [UpstreamHealth.FailureStatusesKey] = "502, 503" },
    };

    private static readonly ClusterConfig Plain = new() { ClusterId = "c" };

    [Theory]
    [InlineData(200, true)]
    [InlineData(101, true)]
    [InlineData(404, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public void Judge_ResponseWithoutOptIn_IsHealthy(int status, bool expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        Assert.Equal(expected, UpstreamHealth.Judge(new DefaultHttpContext(), response, Plain));
    }

    [Theory]
    [InlineData(503, false)]
    [InlineData(502, false)]
    [InlineData(500, true)]
    [InlineData(504, true)]
    public void Judge_ResponseWithOptIn_CountsOnlyTheListedStatuses(int status, bool expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        Assert.Equal(expected, UpstreamHealth.Judge(new DefaultHttpContext(), response, OptedIn));
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError)]
    [InlineData(HttpRequestError.NameResolutionError)]
    [InlineData(HttpRequestError.SecureConnectionError)]
    public void Judge_UpstreamUnreachable_IsAFailure(HttpRequestError reason)
    {
        var context = Failed(ForwarderError.Request, new HttpRequestException(reason, "connect failed"));
        Assert.False(UpstreamHealth.Judge(context, null, Plain));
    }

    [Fact]
    public void Judge_HeadersTheClientCannotWrite_IsNoVerdict()
    {
        // What a non-ASCII owner used to cause: SocketsHttpHandler refuses the header value while sending.
        var context = Failed(ForwarderError.Request, new HttpRequestException("Request headers must contain only ASCII characters."));
        Assert.Null(UpstreamHealth.Judge(context, null, Plain));
    }

    [Theory]
    [InlineData(ForwarderError.RequestCreation)]
    [InlineData(ForwarderError.RequestCanceled)]
    [InlineData(ForwarderError.RequestBodyCanceled)]
    [InlineData(ForwarderError.RequestBodyClient)]
    [InlineData(ForwarderError.RequestBodyDestination)]
    [InlineData(ForwarderError.ResponseHeaders)]
    [InlineData(ForwarderError.ResponseBodyClient)]
    [InlineData(ForwarderError.ResponseBodyCanceled)]
    [InlineData(ForwarderError.NoAvailableDestinations)]
    [InlineData(ForwarderError.UpgradeRequestClient)]
    public void Judge_ErrorsOfTheRequestOrTheGateway_AreNoVerdict(ForwarderError error)
    {
        Assert.Null(UpstreamHealth.Judge(Failed(error, new InvalidOperationException()), null, Plain));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, null)]
    public void Judge_Timeout_IsAFailureUnlessTheClientMayStillBeSending(bool requestHasBody, bool? expected)
    {
        var context = Failed(ForwarderError.RequestTimedOut, new OperationCanceledException());
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(requestHasBody));
        Assert.Equal(expected, UpstreamHealth.Judge(context, null, Plain));
    }

    [Theory]
    [InlineData("502,503,504", new[] { 502, 503, 504 }, 0)]
    [InlineData("404", new int[0], 1)]
    [InlineData("5xx, 503", new[] { 503 }, 1)]
    [InlineData(" , ", new int[0], 1)]
    public void FailureStatuses_ParsesAndNamesEachBadPart(string text, int[] statuses, int errorCount)
    {
        var errors = new List<string>();
        var parsed = UpstreamHealth.FailureStatuses(new Dictionary<string, string> { [UpstreamHealth.FailureStatusesKey] = text }, errors);
        Assert.Equal(statuses, parsed);
        Assert.Equal(errorCount, errors.Count);
    }

    private static DefaultHttpContext Failed(ForwarderError error, Exception exception)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IForwarderErrorFeature>(new ErrorFeature(error, exception));
        return context;
    }

    private sealed class ErrorFeature(ForwarderError error, Exception exception) : IForwarderErrorFeature
    {
        public ForwarderError Error => error;

        public Exception? Exception => exception;
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => canHaveBody;
    }
}
