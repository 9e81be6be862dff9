using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ApiGateway.AdminApi.Tests.Tracing;

/// <summary>docs/tracing.md: with OTEL_EXPORTER_OTLP_ENDPOINT set, admin API spans name the operation and the key id, never a secret.</summary>
public sealed class AdminTracingTests : IAsyncLifetime
{
    private readonly AdminApiFactory _factory = new();
    private readonly UpstreamServer _collector = new();
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly SemaphoreSlim _spanEnded = new(0);
    private WebApplicationFactory<Program> _traced = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _collector.StartAsync(Ct);
        _factory.With("OTEL_EXPORTER_OTLP_ENDPOINT", _collector.BaseAddress.ToString().TrimEnd('/'))
            .With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        await _factory.InitializeAsync();
        _traced = _factory.WithWebHostBuilder(builder => builder.ConfigureServices(
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new Collect(_ended, _spanEnded)))));
    }

    [Fact]
    public async Task Mutations_Spans_NameOperationAndKeyIdNeverSecret()
    {
        using var client = _traced.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminApiFactory.OwnerCredential);
        var trace = ActivityTraceId.CreateRandom();
        client.DefaultRequestHeaders.TryAddWithoutValidation("traceparent", $"00-{trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var created = await client.MintAsync();
        var id = created.Str("id");
        using var patched = await client.PatchJsonAsync($"/v1/keys/{id}", """{ "name": "renamed" }""");
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        List<Activity> spans;
        while ((spans = [.. _ended.Where(s => s.TraceId == trace && s.Kind == ActivityKind.Server)]).Count < 2)
        {
            Assert.True(await _spanEnded.WaitAsync(TimeSpan.FromSeconds(10), Ct), "the server spans did not end");
        }
        // Export over OTLP itself is GatewayTracingTests.OtlpEndpoint_Set_SpansAreExportedOverOtlpHttp (same shared setup).
        Assert.NotNull(_traced.Services.GetService<TracerProvider>());

        var create = Assert.Single(spans, s => (string?)s.GetTagItem("admin.operation") == "CreateKey");
        Assert.Equal("POST CreateKey", create.DisplayName);
        Assert.Equal(id, create.GetTagItem("api_key.id"));
        var update = Assert.Single(spans, s => (string?)s.GetTagItem("admin.operation") == "UpdateKey");
        Assert.Equal(id, update.GetTagItem("api_key.id"));
        var text = string.Join("\n", spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(s.DisplayName)));
        Assert.DoesNotContain(created.Str("key"), text, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminApiFactory.OwnerCredential, text, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _traced.DisposeAsync();
        await _factory.DisposeAsync();
        await _collector.DisposeAsync();
        _spanEnded.Dispose();
    }

    private sealed class Collect(ConcurrentQueue<Activity> ended, SemaphoreSlim signal) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            ended.Enqueue(data);
            signal.Release();
        }
    }
}
