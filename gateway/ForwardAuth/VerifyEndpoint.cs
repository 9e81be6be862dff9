using System.Buffers;
using System.Text.Json;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Scopes;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>
/// <c>POST /v1/verify</c> on the forward-auth listener: the edge's decision for code that receives keys outside HTTP
/// routing (queues, WebSocket handshakes, jobs), always answered <c>200</c> with a <see cref="VerifyCodes"/> code (bad
/// JSON: <c>400</c>). The same components decide as at the edge: <see cref="KeyVerifier"/> (format, lookup, status,
/// expiry, failed-lookup budget), <see cref="RouteAccessCheck"/> (IP, workspace, the asked scopes as a route requiring
/// them all) and <see cref="RateLimitAdmission"/> (spends a rate token and quota). Usage, metrics and the failure
/// reason are recorded on this request's <see cref="ApiKeyRequestFeature"/> by the telemetry step, as for any request.
/// The key is never logged: nothing here logs at all (docs/forward-auth.md).
/// </summary>
internal sealed class VerifyEndpoint(KeyVerifier verifier, RouteAccessCheck routeAccess, RateLimitAdmission limits, IOptions<GatewayOptions> options)
{
    public const string Path = "/v1/verify";

    /// <summary>A key, a few scopes and a workspace fit in well under this; a larger body is a 413, unread.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>The route id the asked scopes are checked under (a label in no metric: verify requests carry route <c>none</c>).</summary>
    private const string RouteId = "verify";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _workspaceHeader = options.Value.WorkspaceHeader;

    public async Task HandleAsync(HttpContext context)
    {
        var body = await ReadBoundedAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            await GatewayProblems.WriteAsync(context, GatewayProblems.RequestBodyTooLarge,
                $"A verify request body is at most {MaxBodyBytes} bytes.");
            return;
        }
        if (VerifyRequest.TryParse(body.Value, out var error) is not { } request)
        {
            await GatewayProblems.WriteAsync(context, GatewayProblems.InvalidVerifyRequest, error!);
            return;
        }
        var result = await DecideAsync(context, request);
        await WriteAsync(context, result);
    }

    private async Task<VerifyResult> DecideAsync(HttpContext context, VerifyRequest request)
    {
        // This request's own feature: the telemetry step counts usage, the failure reason and a 429 from it.
        var feature = ApiKeyRequestFeature.For(context);
        feature.ClientIp = request.Ip;

        // The question as the shared checks read a request: the credential, the workspace selection, a method.
        var question = new DefaultHttpContext();
        question.Request.Method = HttpMethods.Get;
        question.Request.Headers.Authorization = "Bearer " + request.Key;
        if (request.WorkspaceId is { } workspaceId)
        {
            question.Request.Headers[_workspaceHeader] = workspaceId;
        }

        // The failed-lookup budget is the end client's when the caller names it, else the caller's.
        var verification = await verifier.VerifyAsync(question.Request, request.Ip ?? context.Connection.RemoteIpAddress, context.RequestAborted);
        if (verification.Entry is not { } entry)
        {
            var problem = verification.Problem ?? GatewayProblems.MissingCredential;
            feature.FailureReason = problem.FailureReason;
            return new VerifyResult(VerifyCodes.For(problem), null, null, null);
        }
        feature.Key = entry.Key;
        feature.CachedKey = entry;

        var access = new RouteAccess(RouteId, RouteScopePolicy.Parse(
            new Dictionary<string, string> { [RouteScopePolicy.ScopesKey] = string.Join(',', request.Scopes) }, out _));
        var verdict = routeAccess.Check(question, entry, access, request.Ip);
        feature.WorkspaceId = verdict.WorkspaceId;
        if (verdict.Problem is { } refused)
        {
            feature.FailureReason = refused.FailureReason;
            feature.RefusedInAnswer = refused.Status is StatusCodes.Status403Forbidden or StatusCodes.Status429TooManyRequests;
            return new VerifyResult(VerifyCodes.For(refused), entry, verdict.WorkspaceId, null);
        }

        // One request of each rate limit and "cost" units of each quota, the key's and its workspace's (docs/forward-auth.md).
        var decision = await limits.DecideAsync(entry.Key, verdict.WorkspaceId ?? entry.Key.WorkspaceId, request.Cost, context.RequestAborted);
        var code = VerifyCodes.For(decision.Refusal);
        feature.RateLimited = feature.RefusedInAnswer = code is VerifyCodes.RateLimited or VerifyCodes.UsageExceeded;
        feature.Cost = request.Cost;
        feature.Admitted = decision.IsAllowed;
        return new VerifyResult(code, entry, verdict.WorkspaceId,
            decision.Refusal == RateLimitRefusal.BackendUnavailable ? null : decision);
    }

    private static async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxBodyBytes)
            {
                return null;
            }
        }
        return buffer.AsMemory(0, length);
    }

    private static async Task WriteAsync(HttpContext context, VerifyResult result)
    {
        var output = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(output, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteBoolean("valid", result.Code == VerifyCodes.Valid);
            json.WriteString("code", result.Code);
            if (result.Entry?.Key is { } key)
            {
                json.WriteString("keyId", key.Id);
                json.WriteString("workspaceId", result.WorkspaceId ?? key.WorkspaceId);
                json.WriteString("owner", key.Owner);
                json.WriteString("mode", key.Mode.ToWire());
                json.WriteStartArray("scopes");
                foreach (var scope in key.Scopes)
                {
                    json.WriteStringValue(scope);
                }
                json.WriteEndArray();
                if (key.ExpiresAt is { } expiresAt)
                {
                    json.WriteString("expiresAt", expiresAt);
                }
                else
                {
                    json.WriteNull("expiresAt");
                }
            }
            if (result.Decision is { } decision)
            {
                json.WriteStartObject("ratelimit");
                json.WriteNumber("limit", decision.Policy.Limit);
                json.WriteNumber("remaining", decision.Remaining);
                json.WriteNumber("resetSeconds", RateLimitHeaders.Seconds(decision.ResetAfter));
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = output.WrittenCount;
        await context.Response.Body.WriteAsync(output.WrittenMemory, context.RequestAborted);
    }

    private readonly record struct VerifyResult(string Code, CachedKey? Entry, string? WorkspaceId, RateLimitDecision? Decision);
}
