using System.Net;
using ApiGateway.Gateway.Access;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Scopes;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Gateway.Tests.Access;

/// <summary>
/// The one step that decides whether a request on a key route goes on, alone on a <c>DefaultHttpContext</c> over the
/// gateway's real verifier, route checks, limiter and store: public routes and internal endpoints pass untouched, each
/// refusal is its problem (and a Debug line, never Information), a key found live counts even when refused later.
/// </summary>
public sealed class KeyAccessMiddlewareTests : IClassFixture<GatewayFactory>, IDisposable
{
    private readonly GatewayFactory _factory;
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggers;
    private int _nextCalls;

    public KeyAccessMiddlewareTests(GatewayFactory factory)
    {
        _factory = factory;
        _factory.Settings["Auth:FailedLookupsPerMinute"] = "1";
        _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
    }

    public void Dispose() => _loggers.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RouteAccess Route(Dictionary<string, string> metadata)
    {
        var policy = RouteScopePolicy.Parse(metadata, out var problems);
        Assert.Empty(problems);
        return new RouteAccess("route", policy);
    }

    private async Task<DefaultHttpContext> SendAsync(RouteAccess? route, string? key, string client = "192.0.2.10", string method = "GET")
    {
        var middleware = ActivatorUtilities.CreateInstance<KeyAccessMiddleware>(_factory.Services, (RequestDelegate)(_ =>
        {
            _nextCalls++;
            return Task.CompletedTask;
        }), _loggers);
        var context = new DefaultHttpContext { RequestServices = _factory.Services };
        context.Request.Method = method;
        context.Request.Path = "/v1/anything";
        context.Connection.RemoteIpAddress = IPAddress.Parse(client);
        context.Response.Body = new MemoryStream();
        if (key is not null)
        {
            context.Request.Headers.Authorization = $"Bearer {key}";
        }
        if (route is not null)
        {
            context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(route), "route"));
        }
        await middleware.InvokeAsync(context);
        return context;
    }

    private string UnknownKey() => _factory.Services.GetRequiredService<KeyFormat>().Mint(KeyMode.Live);

    [Fact]
    public async Task Invoke_PublicRoute_GoesOnWithoutReadingTheCredential()
    {
        var context = await SendAsync(Route(new() { ["Public"] = "true" }), "not-a-key");

        Assert.Equal(1, _nextCalls);
        Assert.Null(context.Features.Get<ApiKeyRequestFeature>());
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Fact]
    public async Task Invoke_NoRouteAccess_GoesOnUntouched()
    {
        var context = await SendAsync(route: null, key: null);

        Assert.Equal(1, _nextCalls);
        Assert.Null(context.Features.Get<ApiKeyRequestFeature>());
    }

    [Fact]
    public async Task Invoke_NoCredential_401ProblemAndADebugLineOnly()
    {
        var context = await SendAsync(Route(new() { ["Resource"] = "contacts" }), key: null);

        Assert.Equal(0, _nextCalls);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(AuthFailureReasons.Missing, context.Features.Get<ApiKeyRequestFeature>()!.FailureReason);
        var line = Assert.Single(_logs.Lines);
        Assert.Equal((KeyAccessMiddleware.RejectionsCategory, LogLevel.Debug, EventIds.KeyRefused), (line.Category, line.Level, line.EventId.Id));
    }

    /// <summary>Refused after the key was found live: the request still counts as the key's (usage, metrics), the refusal names the missing scope.</summary>
    [Fact]
    public async Task Invoke_KeyLacksTheScope_403NamingItAndTheKeyStillRecorded()
    {
        var key = await _factory.MintAsync(["contacts:read"]);

        var context = await SendAsync(Route(new() { ["Scopes"] = "invoices:read" }), key.Plaintext);

        Assert.Equal(0, _nextCalls);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Contains("scope=\"invoices:read\"", context.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
        var feature = context.Features.Get<ApiKeyRequestFeature>()!;
        Assert.Equal(key.Key.Id, feature.Key?.Id);
        Assert.Equal(AuthFailureReasons.InsufficientScope, feature.FailureReason);
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains(key.Plaintext, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_EveryCheckPasses_GoesOnWithTheKeyWorkspaceCostAndClient()
    {
        var key = await _factory.MintAsync(["contacts:read"]);

        var context = await SendAsync(Route(new() { ["Resource"] = "contacts", ["Cost"] = "3" }), key.Plaintext, client: "192.0.2.11");

        Assert.Equal(1, _nextCalls);
        var feature = context.Features.Get<ApiKeyRequestFeature>()!;
        Assert.True(feature.Admitted);
        Assert.Equal((key.Key.Id, "ws_main", 3, IPAddress.Parse("192.0.2.11")), (feature.Key?.Id, feature.WorkspaceId, feature.Cost, feature.ClientIp));
        Assert.Null(feature.FailureReason);
        Assert.Empty(_logs.Lines);
    }

    /// <summary>Retry-After is whole seconds rounded up, never 0: a client told "0" would retry at once, into the same refusal.</summary>
    [Fact]
    public async Task Invoke_FailedLookupBudgetSpent_429WithRetryAfterRoundedUpToASecond()
    {
        var route = Route(new() { ["Resource"] = "contacts" });
        var first = await SendAsync(route, UnknownKey(), client: "192.0.2.12");
        Assert.Equal(StatusCodes.Status401Unauthorized, first.Response.StatusCode);

        _factory.Clock.Advance(TimeSpan.FromSeconds(59.5));
        var throttled = await SendAsync(route, UnknownKey(), client: "192.0.2.12");

        Assert.Equal(StatusCodes.Status429TooManyRequests, throttled.Response.StatusCode);
        Assert.Equal("1", throttled.Response.Headers.RetryAfter);
        Assert.Equal(AuthFailureReasons.TooManyInvalidKeys, throttled.Features.Get<ApiKeyRequestFeature>()!.FailureReason);
        Assert.Equal(0, _nextCalls);
    }
}
