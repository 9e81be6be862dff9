using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>
/// Makes a forward-auth question look like the request it asks about, so that the edge's own pipeline (methods,
/// ambiguous paths, routing on the YARP route table, 404, keys in the query, body limits, key access, limits, telemetry)
/// decides it: nothing is checked twice in two ways. The original method comes from <c>X-Forwarded-Method</c>
/// (Traefik, Caddy) or <c>X-Original-Method</c> (nginx), the original path and query from <c>X-Forwarded-Uri</c> or
/// <c>X-Original-URI</c>; without them the question's own method and target are the original's (Envoy ext_authz HTTP).
/// Runs only on <c>Gateway:ForwardAuthUrl</c>'s port, before routing (docs/forward-auth.md). Whether the request is a
/// <c>POST /v1/verify</c> call instead is decided here too, from the request as it arrived (<see cref="VerifyCall"/>).
/// </summary>
internal static class ForwardAuthQuestions
{
    public const string ForwardedMethodHeader = "X-Forwarded-Method";
    public const string OriginalMethodHeader = "X-Original-Method";
    public const string ForwardedUriHeader = "X-Forwarded-Uri";
    public const string OriginalUriHeader = "X-Original-URI";

    public static IApplicationBuilder UseForwardAuthQuestions(this IApplicationBuilder app)
    {
        var port = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.ForwardAuthPort;
        return port < 0
            ? app
            : app.Use((context, next) => context.Connection.LocalPort != port || TryRewrite(context)
                ? next(context)
                : GatewayProblems.WriteAsync(context, GatewayProblems.InvalidForwardAuthQuestion));
    }

    /// <summary>True when the question is the request it describes now; false when its headers describe none.</summary>
    internal static bool TryRewrite(HttpContext context)
    {
        var headers = context.Request.Headers;
        VerifyCall.MarkIfVerifyCall(context, HasQuestionHeaders(headers));
        if (!TryReadOne(headers, ForwardedMethodHeader, OriginalMethodHeader, out var method)
            || !TryReadOne(headers, ForwardedUriHeader, OriginalUriHeader, out var target))
        {
            return false;
        }
        if (target is not null)
        {
            if (!ForwardedRequestTarget.TryParse(target, out var path, out var query))
            {
                return false;
            }
            var request = context.Features.GetRequiredFeature<IHttpRequestFeature>();
            request.PathBase = string.Empty;
            request.Path = path;
            request.QueryString = query;
            request.RawTarget = target; // the ambiguous-path rule reads the target as sent, before Kestrel's decoding
        }
        if (method is not null)
        {
            // Any token: the edge's method rule answers junk with 405/501 exactly as it would on the public port.
            context.Request.Method = method;
        }
        return true;
    }

    private static bool HasQuestionHeaders(IHeaderDictionary headers) =>
        headers.ContainsKey(ForwardedMethodHeader) || headers.ContainsKey(OriginalMethodHeader)
        || headers.ContainsKey(ForwardedUriHeader) || headers.ContainsKey(OriginalUriHeader);

    /// <summary>The single value of whichever of the two headers is present; false when both are, or one is repeated or empty.</summary>
    private static bool TryReadOne(IHeaderDictionary headers, string first, string second, out string? value)
    {
        value = null;
        var a = headers[first];
        var b = headers[second];
        if (a.Count + b.Count == 0)
        {
            return true;
        }
        if (a.Count + b.Count > 1 && !(a.Count == 1 && b.Count == 1 && string.Equals(a[0], b[0], StringComparison.Ordinal)))
        {
            return false;
        }
        value = a.Count == 1 ? a[0] : b[0];
        return !string.IsNullOrEmpty(value);
    }
}
