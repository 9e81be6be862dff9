using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ApiGateway.Keys.Telemetry;

/// <summary>
/// OpenTelemetry for both processes, on the standard variables (docs/tracing.md): with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// (or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) set, traces and metrics go over OTLP, and every other <c>OTEL_*</c>
/// variable (protocol, headers, service name, resource attributes, sampler) is read by the SDK itself. Unset, or with
/// <c>OTEL_SDK_DISABLED=true</c>, nothing is registered: no provider, no listener, so ASP.NET Core and HttpClient create
/// no activities and the request path pays nothing.
/// </summary>
public static class OtlpTelemetry
{
    /// <summary>True when the OTLP exporter has somewhere to send to and the SDK is not disabled.</summary>
    public static bool IsEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
    }

    /// <summary>
    /// Registers tracing (ASP.NET Core server spans, HttpClient client spans, plus <paramref name="sources"/>) and metrics
    /// (ASP.NET Core, HttpClient) exported over OTLP, when <see cref="IsEnabled"/>. <paramref name="enrich"/> adds the
    /// process's own attributes to each server span as its response ends; <paramref name="trace"/> says which requests
    /// get a span at all (internal probes and scrapes need none). Returns whether anything was registered.
    /// </summary>
    public static bool AddOtlpTelemetry(
        this IHostApplicationBuilder builder, string serviceName, IEnumerable<string> sources,
        Action<System.Diagnostics.Activity, HttpResponse>? enrich = null, Func<HttpContext, bool>? trace = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!IsEnabled(builder.Configuration))
        {
            return false;
        }
        var sourceNames = sources.ToArray();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME (read by the SDK's default resource) wins over the process's own name.
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(serviceName);
                }
            })
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource(sourceNames)
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
        builder.Services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            options.RecordException = false; // exception messages can carry request data; the status says enough
            if (trace is not null)
            {
                options.Filter = trace;
            }
            if (enrich is not null)
            {
                options.EnrichWithHttpResponse = enrich;
            }
        });
        return true;
    }
}
