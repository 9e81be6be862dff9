using System.Collections.Concurrent;
using System.Diagnostics;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Mutations;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ApiGateway.Gateway.Tests.Tracing;

/// <summary>
/// docs/tracing.md: with OTEL_EXPORTER_OTLP_ENDPOINT set the gateway's server span carries the key's id, workspace, mode,
/// the route id and the outcome, never a secret or hash; traceparent reaches the upstream; spans really leave over OTLP.
/// Unset, nothing is registered. Spans are read from the real SDK through a processor added beside the OTLP exporter.
/// </summary>
public sealed class GatewayTracingTests : IAsyncLifetime
{
    private readonly GatewayFactory _gateway = new();
    private readonly UpstreamServer _collector = new();
    private readonly SpanCollector _spans = new();
    private WebApplicationFactory<Program> _traced = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _collector.StartAsync(Ct);
        _gateway.Settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.BaseAddress.ToString().TrimEnd('/');
        _gateway.Settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        // The exporter's own deadline (10 s by default) can pass on a loaded test machine, and a timed-out export is dropped.
        _gateway.Settings["OTEL_EXPORTER_OTLP_TIMEOUT"] = "60000";
        await _gateway.InitializeAsync();
        _traced = _gateway.WithWebHostBuilder(builder => builder.ConfigureServices(
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(_spans))));
    }

    [Fact]
    public async Task Forwarded_ServerSpan_CarriesKeyAttributesRouteIdAndOk()
    {
        var key = await MintAsync(["contacts:read"]);
        var trace = ActivityTraceId.CreateRandom();

        var parent = ActivitySpanId.CreateRandom();

        using var response = await SendAsync(key.Plaintext, "/v1/contacts/42", trace, parent);

        Assert.Equal(200, (int)response.StatusCode);
        var server = await _spans.ServerSpanAsync(trace, parent);
        Assert.Equal(key.Key.Id, server.GetTagItem("api_key.id"));
        Assert.Equal("ws_main", server.GetTagItem("api_key.workspace"));
        Assert.Equal("live", server.GetTagItem("api_key.mode"));
        Assert.Equal("contacts", server.GetTagItem("http.route"));
        Assert.Equal("ok", server.GetTagItem("api_key.outcome"));
    }

    [Fact]
    public async Task Forwarded_Traceparent_ReachesUpstreamAsChildOfGatewaySpan()
    {
        var key = await MintAsync(["contacts:read"]);
        var trace = ActivityTraceId.CreateRandom();
        var clientParent = ActivitySpanId.CreateRandom();

        using var response = await SendAsync(key.Plaintext, "/v1/contacts/traced", trace, clientParent);

        Assert.Equal(200, (int)response.StatusCode);
        var server = await _spans.ServerSpanAsync(trace, clientParent);
        Assert.Equal("ok", server.GetTagItem("api_key.outcome"));
        var received = Assert.Single(_gateway.Upstream.Received, r => r.Path == "/v1/contacts/traced");
        var parts = received.Header("traceparent")!.Split('-');
        Assert.Equal(trace.ToHexString(), parts[1]);
        Assert.NotEqual(clientParent.ToHexString(), parts[2]); // a gateway span is the upstream's parent, not the client's
        Assert.Contains(_spans.InTrace(trace), span => span.SpanId.ToHexString() == parts[2]);
    }

    [Theory]
    [InlineData(null, "/v1/contacts/1", "missing", 401)]
    [InlineData("agw_live_notakey", "/v1/contacts/1", "malformed", 401)]
    [InlineData("VALID", "/v1/invoices/1", "insufficient_scope", 403)]
    public async Task Refused_ServerSpan_OutcomeIsTheReason(string? credential, string path, string outcome, int status)
    {
        var key = await MintAsync(["contacts:read"]);
        var trace = ActivityTraceId.CreateRandom();
        var parent = ActivitySpanId.CreateRandom();

        using var response = await SendAsync(credential == "VALID" ? key.Plaintext : credential, path, trace, parent);

        Assert.Equal(status, (int)response.StatusCode);
        var server = await _spans.ServerSpanAsync(trace, parent);
        Assert.Equal(outcome, server.GetTagItem("api_key.outcome"));
    }

    [Fact]
    public async Task AllSpans_NeverCarryTheSecretOrItsHash()
    {
        var key = await MintAsync(["contacts:read"]);
        var hash = new KeyHasher(null).Hash(key.Plaintext).ToArray();
        var secrets = new[] { key.Plaintext, key.Plaintext[^20..], Convert.ToHexString(hash), Convert.ToHexStringLower(hash), Convert.ToBase64String(hash) };
        var trace = ActivityTraceId.CreateRandom();

        var (first, second) = (ActivitySpanId.CreateRandom(), ActivitySpanId.CreateRandom());

        using var ok = await SendAsync(key.Plaintext, "/v1/contacts/1?x=1", trace, first);
        using var refused = await SendAsync(key.Plaintext, "/v1/invoices/1", trace, second);
        await _spans.ServerSpanAsync(trace, first);
        await _spans.ServerSpanAsync(trace, second);

        var text = string.Join("\n", _spans.InTrace(trace).SelectMany(span =>
            span.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(span.DisplayName).Concat(span.Events.Select(e => e.Name))));
        Assert.Contains(key.Key.Id, text, StringComparison.Ordinal);
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OtlpEndpoint_Set_SpansAreExportedOverOtlpHttp()
    {
        var key = await MintAsync(["contacts:read"]);
        var (trace, parent) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        using var response = await SendAsync(key.Plaintext, "/v1/contacts/1", trace, parent);
        await _spans.ServerSpanAsync(trace, parent);

        Assert.True(_traced.Services.GetRequiredService<TracerProvider>().ForceFlush(60_000));

        var export = _collector.Received.First(r => r.Path == "/v1/traces" && r.Method == "POST");
        Assert.Equal("application/x-protobuf", export.Header("Content-Type"));
        Assert.NotNull(_traced.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task OtlpEndpoint_Unset_NothingRegistered()
    {
        await using var plain = new GatewayFactory();
        await plain.InitializeAsync();

        Assert.Null(plain.Services.GetService<TracerProvider>());
        Assert.Null(plain.Services.GetService<MeterProvider>());
    }

    private async Task<IssuedKey> MintAsync(string[] scopes)
    {
        var issuer = _traced.Services.GetRequiredService<KeyMutationService>();
        var spec = new KeySpec("traced key", "ws_main", scopes, null, KeyMode.Live, null, null, null, null, [], []);
        var result = await issuer.CreateAsync(spec, GatewayFactory.TestActor, Ct);
        return result.Issued!;
    }

    /// <summary>Sends with a client <c>traceparent</c>, so the gateway's server span is the one whose parent is <paramref name="parent"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(string? credential, string path, ActivityTraceId trace, ActivitySpanId parent)
    {
        using var client = _traced.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{trace.ToHexString()}-{parent.ToHexString()}-01");
        if (credential is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + credential);
        }
        return await client.SendAsync(request, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _traced.DisposeAsync();
        await _gateway.DisposeAsync();
        await _collector.DisposeAsync();
        _spans.Dispose();
    }

    /// <summary>
    /// Every span this host's SDK ends, by trace id (other test hosts in the process feed the same ActivitySources, so
    /// tests look only at their own trace). The recording upstream runs in this process too, so its server span is in
    /// the trace as well: the gateway's is the one whose parent is the client's span.
    /// </summary>
    private sealed class SpanCollector : BaseProcessor<Activity>
    {
        private readonly ConcurrentDictionary<ActivityTraceId, ConcurrentQueue<Activity>> _ended = new();
        private readonly ConcurrentDictionary<ActivityTraceId, TaskCompletionSource> _changed = new();

        public Activity[] InTrace(ActivityTraceId trace) => _ended.TryGetValue(trace, out var spans) ? [.. spans] : [];

        public override void OnEnd(Activity data)
        {
            _ended.GetOrAdd(data.TraceId, _ => new()).Enqueue(data);
            if (_changed.TryRemove(data.TraceId, out var waiter))
            {
                waiter.TrySetResult();
            }
        }

        public async Task<Activity> ServerSpanAsync(ActivityTraceId trace, ActivitySpanId parent)
        {
            while (true)
            {
                var waiter = _changed.GetOrAdd(trace, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
                if (InTrace(trace).FirstOrDefault(s => s.Kind == ActivityKind.Server && s.ParentSpanId == parent) is { } server)
                {
                    return server;
                }
                await waiter.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
            }
        }
    }
}
