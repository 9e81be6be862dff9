using System.Net;
using ApiGateway.Gateway.Proxy;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Tests.Proxy;

/// <summary>
/// The circuit breaker judges a forward by how it starts, against real Kestrel upstreams on the fake clock: a half-open
/// trial that is a long stream does not hold the cluster; errors a request causes itself never open the circuit for
/// everyone; upstream 5xx count only where the cluster opts in (docs/gateway.md "Upstream").
/// </summary>
public sealed class CircuitBreakerTests
{
    // Enough failures to open the circuit twice over (5 in 10 s, half failing).
    private const int Attempts = 12;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HalfOpenTrial_IsAnSseStream_OtherRequestsAreServedWhileItStreams()
    {
        await using var streaming = new UpstreamServer(longLived: true);
        await streaming.StartAsync(Ct);
        await using var factory = await StartAsync(streaming.BaseAddress);
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);

        await streaming.StopAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAfterFailuresAsync(client, "/v1/contacts/1"));
        await streaming.StartAsync(Ct);
        factory.Clock.Advance(UpstreamCircuitBreakers.BreakDuration);

        // The first request after the break is the trial, and it is a stream that stays open.
        using var stream = await client.GetAsync("/v1/contacts/sse", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Ct));
        Assert.Equal("data: hello", await reader.ReadLineAsync(Ct));
        Assert.Equal(1, streaming.OpenStreams);

        // The trial's verdict reaches Polly on its own continuation, just after the headers went out: wait for the
        // circuit to close (observed, bounded), never for the stream to end. The stream stays open throughout.
        var breaker = factory.Services.GetRequiredService<UpstreamCircuitBreakers>().For("main");
        await WaitUntilAsync(() => breaker.IsClosed);
        Assert.Equal(1, streaming.OpenStreams);

        for (var i = 0; i < 3; i++)
        {
            using var other = await client.GetAsync($"/v1/contacts/during-stream-{i}", Ct);
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }
        streaming.EndStreams();
    }

    [Fact]
    public async Task OwnerNotAscii_IsForwardedPercentEncoded_AndNeverOpensTheCircuit()
    {
        // A row stored before the admin API restricted owner to visible ASCII.
        await using var factory = await StartAsync();
        var key = await factory.MintAsync(["contacts:read"], owner: "José Ñandú");
        using var client = factory.CreateKeyClient(key.Plaintext);

        for (var i = 0; i < Attempts; i++)
        {
            using var response = await client.GetAsync($"/v1/contacts/owner-{i}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("Jos%C3%A9%20%C3%91and%C3%BA", factory.Upstream.Received.Last().Header("X-Api-Key-Owner"));
        using var anonymous = factory.CreateKeyClient(null);
        using var status = await anonymous.GetAsync("/v1/status", Ct);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task ForwardsFailingForTheirOwnRequest_DoNotOpenTheCircuitForOthers()
    {
        // A transform that throws for one client's requests: YARP reports RequestCreation, which says nothing of the upstream.
        await using var baseFactory = await StartAsync();
        await using var factory = baseFactory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<ITransformProvider, ThrowsOnMarkedRequests>()));
        var key = await baseFactory.MintAsync(["contacts:read"]);
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key.Plaintext}");

        for (var i = 0; i < Attempts; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/contacts/odd-{i}");
            request.Headers.Add(ThrowsOnMarkedRequests.Header, "1");
            using var response = await client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        using var other = await client.GetAsync("/v1/contacts/someone-else", Ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Upstream503_WithoutOptIn_IsPassedOnAndNeverOpensTheCircuit()
    {
        await using var factory = await StartAsync();
        factory.Upstream.Respond = context => context.Request.Path.StartsWithSegments("/v1/contacts/busy") ? 503 : null;
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);

        for (var i = 0; i < Attempts; i++)
        {
            using var response = await client.GetAsync($"/v1/contacts/busy/{i}", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        using var other = await client.GetAsync("/v1/contacts/fine", Ct);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Upstream503_ClusterOptsIn_OpensTheCircuit()
    {
        await using var factory = await StartAsync(failureStatuses: "502, 503");
        factory.Upstream.Respond = _ => 503;
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);

        var last = HttpStatusCode.OK;
        for (var i = 0; i < Attempts && last != HttpStatusCode.ServiceUnavailable; i++)
        {
            using var response = await client.GetAsync($"/v1/contacts/{i}", Ct);
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                last = response.StatusCode;
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, last);
    }

    [Fact]
    public async Task Start_BadFailureStatuses_FailsNamingClusterAndField()
    {
        var factory = new GatewayFactory();
        await using (factory)
        {
            await factory.InitializeAsync();
            factory.WriteRoutes(Routes(factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress, "404,5xx"));
            var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            var text = error.ToString();
            Assert.Contains("Cluster 'main'", text, StringComparison.Ordinal);
            Assert.Contains("'CircuitBreaker.FailureStatuses' must list 5xx status codes", text, StringComparison.Ordinal);
        }
    }

    private static async Task<GatewayFactory> StartAsync(Uri? upstream = null, string? failureStatuses = null)
    {
        var factory = new GatewayFactory();
        await factory.InitializeAsync();
        factory.WriteRoutes(Routes(upstream ?? factory.Upstream.BaseAddress, factory.Sandbox.BaseAddress, failureStatuses));
        return factory;
    }

    private static string Routes(Uri upstream, Uri sandbox, string? failureStatuses)
    {
        var json = TestRoutes.Json(upstream, sandbox);
        return failureStatuses is null
            ? json
            : json.Replace($$"""
                "main": { "Destinations": { "d1": { "Address": "{{upstream}}" } } }
                """, $$"""
                "main": { "Destinations": { "d1": { "Address": "{{upstream}}" } }, "Metadata": { "CircuitBreaker.FailureStatuses": "{{failureStatuses}}" } }
                """, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Yield();
            await Task.Delay(1, timeout.Token);
        }
    }

    /// <summary>Sends failing requests until the circuit answers (or the attempts run out); returns the last status.</summary>
    private static async Task<HttpStatusCode> StatusAfterFailuresAsync(HttpClient client, string path)
    {
        var status = HttpStatusCode.OK;
        for (var i = 0; i < Attempts && status != HttpStatusCode.ServiceUnavailable; i++)
        {
            using var response = await client.GetAsync(path, Ct);
            status = response.StatusCode;
        }
        return status;
    }

    private sealed class ThrowsOnMarkedRequests : ITransformProvider
    {
        public const string Header = "X-Test-Throw";

        public void ValidateRoute(TransformRouteValidationContext context)
        {
        }

        public void ValidateCluster(TransformClusterValidationContext context)
        {
        }

        public void Apply(TransformBuilderContext context) =>
            context.AddRequestTransform(transform => transform.HttpContext.Request.Headers.ContainsKey(Header)
                ? throw new InvalidOperationException("This request cannot be forwarded.")
                : ValueTask.CompletedTask);
    }
}
