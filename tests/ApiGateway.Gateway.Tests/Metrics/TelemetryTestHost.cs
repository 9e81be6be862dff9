using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Metrics;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Tests.Usage;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Prometheus;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Tests.Metrics;

/// <summary>
/// The telemetry stage in a real host (TestServer, real SQLite store, YARP forwarding to a real Kestrel upstream)
/// with a stand-in for the authentication stages: headers say what they would have decided
/// (<c>X-Test-Key</c>: the key id found live, <c>X-Test-Reason</c>: the failure reason, <c>X-Test-RateLimited</c>,
/// <c>X-Test-Status</c>: answer with this status instead of forwarding).
/// </summary>
public sealed class TelemetryTestHost : IAsyncDisposable
{
    private TelemetryTestHost(WebApplication app, UsageTestStore store, UpstreamServer upstream, FakeTimeProvider clock)
    {
        App = app;
        Store = store;
        Upstream = upstream;
        Clock = clock;
    }

    public WebApplication App { get; }

    public UsageTestStore Store { get; }

    public UpstreamServer Upstream { get; }

    public FakeTimeProvider Clock { get; }

    public CollectorRegistry Registry => App.Services.GetRequiredService<CollectorRegistry>();

    public static async Task<TelemetryTestHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var store = await UsageTestStore.CreateAsync();
        var upstream = new UpstreamServer();
        await upstream.StartAsync(TestContext.Current.CancellationToken);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:KeyStore"] = store.Database.ConnectionString;
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddKeyStore(builder.Configuration);
        builder.AddGatewayTelemetry();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                new RouteConfig { RouteId = "contacts", ClusterId = "upstream", Match = new RouteMatch { Path = "/contacts/{**rest}" } },
                new RouteConfig { RouteId = "orders", ClusterId = "upstream", Match = new RouteMatch { Path = "/orders/{**rest}" } },
            ],
            [
                new ClusterConfig
                {
                    ClusterId = "upstream",
                    Destinations = new Dictionary<string, DestinationConfig> { ["one"] = new() { Address = upstream.BaseAddress.ToString() } },
                },
            ]);

        var app = builder.Build();
        app.UseRouting();
        app.UseGatewayTelemetry();
        app.Use(StandInForAuthentication);
        app.MapReverseProxy();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TelemetryTestHost(app, store, upstream, clock);
    }

    public HttpClient CreateClient() => App.GetTestClient();

    public static HttpRequestMessage Request(string path, string? keyId = null, string? reason = null, bool rateLimited = false, int? status = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (keyId is not null)
        {
            request.Headers.Add("X-Test-Key", keyId);
        }
        if (reason is not null)
        {
            request.Headers.Add("X-Test-Reason", reason);
        }
        if (rateLimited)
        {
            request.Headers.Add("X-Test-RateLimited", "true");
        }
        if (status is not null)
        {
            request.Headers.Add("X-Test-Status", status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return request;
    }

    public async Task SendAsync(string path, string? keyId = null, string? reason = null, bool rateLimited = false, int? status = null)
    {
        using var client = CreateClient();
        using var request = Request(path, keyId, reason, rateLimited, status);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        if (status is not null)
        {
            Assert.Equal(status.Value, (int)response.StatusCode);
        }
    }

    private static Task StandInForAuthentication(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        var feature = new ApiKeyRequestFeature
        {
            Key = headers["X-Test-Key"] is [{ } id] ? KeyWithId(id) : null,
            FailureReason = headers["X-Test-Reason"] is [{ } reason] ? reason : null,
            RateLimited = headers["X-Test-RateLimited"] == "true",
        };
        context.Features.Set(feature);
        if (headers["X-Test-Status"] is [{ } status])
        {
            context.Response.StatusCode = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
        return next(context);
    }

    private static ApiKey KeyWithId(string id) => new()
    {
        Id = id,
        Name = "test",
        Prefix = "agw_live_0000000",
        Mode = KeyMode.Live,
        WorkspaceId = "ws_1",
        Scopes = ["contacts:read"],
        LineageId = "lin_test",
        CreatedAt = DateTimeOffset.UnixEpoch,
        CreatedBy = "adm_tests",
    };

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Upstream.DisposeAsync();
        await Store.DisposeAsync();
    }
}
