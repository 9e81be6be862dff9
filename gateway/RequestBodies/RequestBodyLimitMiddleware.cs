using ApiGateway.Gateway.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.RequestBodies;

/// <summary>
/// Applies a proxy route's body limit (its YARP <c>MaxRequestBodySize</c>, else <c>Gateway:MaxRequestBodySize</c>)
/// before anything reads the body: a declared <c>Content-Length</c> over it is a 413 problem at once, before any key
/// lookup or upstream connection; a body without a declared length is cut by Kestrel where it crosses the limit, and
/// the proxy step that awaits the forward (<c>UpstreamFaultsMiddleware</c>) answers that with a 413 problem too when
/// the response has not started. One Debug line each (the cut body's from <c>ForwarderErrorLogging</c>), never a stack
/// trace. Synchronous: it adds no state machine to a request.
/// </summary>
internal sealed partial class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<RequestBodyOptions> options, ILogger<RequestBodyLimitMiddleware> logger)
{
    /// <summary>How far past the limit a declared body is still read and discarded after the 413 (see below).</summary>
    private const long DrainAllowance = 1024 * 1024;

    private readonly long _globalLimit = options.Value.MaxRequestBodySize;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not { } route)
        {
            return next(context);
        }
        var limit = RouteBodyLimits.Effective(route.Config.MaxRequestBodySize, _globalLimit);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        if (limit is { } max && context.Request.ContentLength is { } declared && declared > max)
        {
            Log.DeclaredTooLarge(logger, route.Config.RouteId, declared, max);
            if (declared - max <= DrainAllowance && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } drain)
            {
                // Let Kestrel read the unread body after the answer: closing a socket with data still unread sends a
                // reset, which can destroy the 413 before the client reads it. Far larger bodies are cut off instead.
                drain.MaxRequestBodySize = declared;
            }
            return GatewayProblems.WriteAsync(context, GatewayProblems.RequestBodyTooLarge);
        }
        return next(context);
    }

    /// <summary>Kestrel's 413 as YARP saw it while copying the body (possibly wrapped by the HTTP client).</summary>
    public static bool IsBodyTooLarge(Exception? error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.RequestBodyDeclaredTooLarge, LogLevel.Debug, "Request body too large on route {RouteId}: declared {Declared} bytes, limit {Limit}; answered 413 before forwarding.", EventName = nameof(EventIds.RequestBodyDeclaredTooLarge))]
        public static partial void DeclaredTooLarge(ILogger logger, string routeId, long declared, long limit);
    }
}
