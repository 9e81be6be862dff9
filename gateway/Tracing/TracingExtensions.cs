using ApiGateway.Gateway.Hosting;
using ApiGateway.Keys.Telemetry;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tracing;

internal static class TracingExtensions
{
    public const string ServiceName = "api-gateway";

    /// <summary>YARP's own activities (forwarding), children of the server span and parents of the upstream call.</summary>
    public const string YarpActivitySource = "Yarp.ReverseProxy";

    /// <summary>
    /// OpenTelemetry when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (docs/tracing.md), else nothing at all. Requests on the
    /// internal port (health probes, scrapes) get no span.
    /// </summary>
    public static WebApplicationBuilder AddGatewayTracing(this WebApplicationBuilder builder)
    {
        builder.AddOtlpTelemetry(ServiceName, [YarpActivitySource], GatewaySpanTags.Enrich,
            trace: context => context.Connection.LocalPort != context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.InternalPort);
        return builder;
    }
}
