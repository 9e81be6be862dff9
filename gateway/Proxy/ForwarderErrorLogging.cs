using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// One structured line per failed forward, instead of YARP's Warning with a 15–80 line stack trace for every upstream
/// timeout, client abort or oversized body (its <c>HttpForwarder</c> category is raised to Error in the shipped
/// appsettings.json). What the client caused (an abort, a body too large or cut short) is Debug; what the upstream
/// caused (refused, reset, timed out, a bad response) is Warning. Never a stack trace, never a header or body.
/// </summary>
internal static partial class ForwarderErrorLogging
{
    /// <summary>The logger category of these lines (kept from when this was a middleware of its own).</summary>
    public static ILogger CreateLogger(ILoggerFactory loggers) => loggers.CreateLogger(typeof(ForwarderErrorLogging).FullName!);

    /// <summary>Logs <paramref name="failure"/> once; called by the proxy step that awaits every forward (<see cref="UpstreamFaultsMiddleware"/>).</summary>
    public static void Report(ILogger logger, HttpContext context, IForwarderErrorFeature failure)
    {
        var route = context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId ?? "none";
        var reason = Reason(failure.Exception);
        if (IsClientCaused(failure.Error))
        {
            Log.ClientCaused(logger, route, failure.Error, reason);
        }
        else
        {
            Log.UpstreamCaused(logger, route, failure.Error, reason);
        }
    }

    public static bool IsClientCaused(ForwarderError error) => error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
        or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
        or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseCanceled
        or ForwarderError.UpgradeResponseClient or ForwarderError.UpgradeActivityTimeout;

    /// <summary>The innermost message: "Connection refused (127.0.0.1:5080)", "Request body too large. …", not the wrappers'.</summary>
    private static string Reason(Exception? exception)
    {
        if (exception is null)
        {
            return "no exception";
        }
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return inner.Message.ReplaceLineEndings(" ");
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ForwardEndedByClient, LogLevel.Debug, "Forward on route {RouteId} ended by the client: {Error}: {Reason}", EventName = nameof(EventIds.ForwardEndedByClient))]
        public static partial void ClientCaused(ILogger logger, string routeId, ForwarderError error, string reason);

        [LoggerMessage(EventIds.ForwardFailedUpstream, LogLevel.Warning, "Forward on route {RouteId} failed upstream: {Error}: {Reason}", EventName = nameof(EventIds.ForwardFailedUpstream))]
        public static partial void UpstreamCaused(ILogger logger, string routeId, ForwarderError error, string reason);
    }
}
