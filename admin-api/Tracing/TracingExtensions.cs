using ApiGateway.Keys.Telemetry;

namespace ApiGateway.AdminApi.Tracing;

internal static class TracingExtensions
{
    public const string ServiceName = "api-gateway-admin";

    /// <summary>OpenTelemetry when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (docs/tracing.md), else nothing at all.</summary>
    public static IHostApplicationBuilder AddAdminTracing(this IHostApplicationBuilder builder)
    {
        builder.AddOtlpTelemetry(ServiceName, [], AdminSpanTags.Enrich);
        return builder;
    }
}
