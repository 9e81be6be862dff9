using ApiGateway.Gateway.Proxy;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>One line per failed forward, at the level of whoever caused it, with the innermost reason and never a stack trace.</summary>
public sealed class ForwarderErrorLoggingTests : IDisposable
{
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggers;

    public ForwarderErrorLoggingTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));

    public void Dispose() => _loggers.Dispose();

    private sealed record Failure(ForwarderError Error, Exception? Exception) : IForwarderErrorFeature;

    private static DefaultHttpContext OnRoute(string routeId)
    {
        var context = new DefaultHttpContext();
        var route = new RouteModel(new RouteConfig { RouteId = routeId, ClusterId = "main" }, cluster: null, HttpTransformer.Empty);
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(route), routeId));
        return context;
    }

    private void Report(HttpContext context, ForwarderError error, Exception? exception) =>
        ForwarderErrorLogging.Report(ForwarderErrorLogging.CreateLogger(_loggers), context, new Failure(error, exception));

    [Theory]
    [InlineData(ForwarderError.RequestCanceled)]
    [InlineData(ForwarderError.RequestBodyClient)]
    [InlineData(ForwarderError.ResponseBodyClient)]
    [InlineData(ForwarderError.UpgradeResponseCanceled)]
    [InlineData(ForwarderError.UpgradeActivityTimeout)]
    public void Report_ClientCaused_OneDebugLine(ForwarderError error)
    {
        Report(OnRoute("contacts"), error, new OperationCanceledException("The client went away."));

        var line = Assert.Single(_logs.Lines);
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Equal(EventIds.ForwardEndedByClient, line.EventId.Id);
        Assert.Equal($"Forward on route contacts ended by the client: {error}: The client went away.", line.Message);
    }

    [Theory]
    [InlineData(ForwarderError.Request)]
    [InlineData(ForwarderError.RequestTimedOut)]
    [InlineData(ForwarderError.ResponseHeaders)]
    [InlineData(ForwarderError.ResponseBodyDestination)]
    [InlineData(ForwarderError.UpgradeResponseDestination)]
    [InlineData(ForwarderError.NoAvailableDestinations)]
    public void Report_UpstreamCaused_OneWarningLine(ForwarderError error)
    {
        Report(OnRoute("contacts"), error, new HttpRequestException("Connection refused (127.0.0.1:5080)"));

        var line = Assert.Single(_logs.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal(EventIds.ForwardFailedUpstream, line.EventId.Id);
        Assert.Equal($"Forward on route contacts failed upstream: {error}: Connection refused (127.0.0.1:5080)", line.Message);
    }

    /// <summary>The reason is the innermost message on one line: not the wrappers', not a stack trace (the YARP Warning this replaces).</summary>
    [Fact]
    public void Report_WrappedMultiLineException_InnermostMessageOnOneLineWithoutStackTrace()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("Request body too large.\nThe limit is 1 MB.");
        }
        catch (InvalidOperationException inner)
        {
            thrown = new HttpRequestException("An error occurred while sending the request.", new IOException("Unable to read.", inner));
        }

        Report(OnRoute("uploads"), ForwarderError.RequestBodyDestination, thrown);

        var line = Assert.Single(_logs.Lines);
        Assert.Equal("Forward on route uploads failed upstream: RequestBodyDestination: Request body too large. The limit is 1 MB.", line.Message);
        Assert.DoesNotContain(" at ", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_NoRouteNoException_SaysSo()
    {
        Report(new DefaultHttpContext(), ForwarderError.NoAvailableDestinations, exception: null);

        Assert.Equal("Forward on route none failed upstream: NoAvailableDestinations: no exception", Assert.Single(_logs.Lines).Message);
    }

    /// <summary>Every error YARP can record is either the client's or the upstream's; the client's are exactly the canceled and client ones.</summary>
    [Fact]
    public void IsClientCaused_EveryError_ClientOnlyForTheClientsOwnCancelsAndFailures()
    {
        foreach (var error in Enum.GetValues<ForwarderError>())
        {
            var name = error.ToString();
            var clients = name.EndsWith("Canceled", StringComparison.Ordinal) || name.EndsWith("Client", StringComparison.Ordinal)
                || error == ForwarderError.UpgradeActivityTimeout;
            Assert.True(clients == ForwarderErrorLogging.IsClientCaused(error), name);
        }
    }
}
