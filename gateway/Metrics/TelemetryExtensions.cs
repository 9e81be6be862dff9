using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Usage;
using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ApiGateway.Gateway.Metrics;

/// <summary>Wires the contract's metrics, the runtime metrics, and batched key usage.</summary>
internal static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Registers one <see cref="CollectorRegistry"/> per host (never the static default one, so parallel test hosts
    /// never share counters), <see cref="GatewayMetrics"/>, the usage recorder and its flush service.
    /// </summary>
    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);

        services.AddValidatedOptions<MetricsOptions, MetricsOptionsValidator>(MetricsOptions.SectionName);
        services.AddValidatedOptions<UsageOptions, UsageOptionsValidator>(UsageOptions.SectionName);

        services.TryAddSingleton(_ =>
        {
            var registry = Prometheus.Metrics.NewCustomRegistry();
            RuntimeMetrics.Register(registry);
            return registry;
        });
        services.TryAddSingleton<KeyIdLabels>();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<UsageRecorder>();
        services.AddHostedService<UsageFlushService>();
        return builder;
    }

    /// <summary>
    /// Counts every request on the public listener (refused ones included) and records key usage. Goes first, before
    /// everything that can refuse (405/501 methods, 400 paths, 401, 403, 404, 429), and reads the matched route after the
    /// rest of the pipeline ran. Requests on the internal port (health probes, scrapes) are not counted.
    /// </summary>
    /// <remarks>
    /// prometheus-net's <c>UseHttpMetrics</c> is deliberately absent: it labels series with the raw request method, so
    /// invented method tokens grew <c>/metrics</c> without bound. Every label here comes from a closed set, the routes
    /// file or the bounded <see cref="KeyIdLabels"/> (docs/metrics.md).
    /// </remarks>
    public static IApplicationBuilder UseGatewayTelemetry(this IApplicationBuilder app)
    {
        var internalPort = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.InternalPort;
        return app.UseWhen(context => context.Connection.LocalPort != internalPort,
            publicRequests => publicRequests.UseMiddleware<GatewayTelemetryMiddleware>());
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> (Prometheus text format) for this host's registry. Call it on the internal endpoints'
    /// group (<c>MapInternalEndpoints()</c>), which answers only on <c>Gateway:InternalUrl</c>.
    /// </summary>
    public static IEndpointConventionBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints)
    {
        var registry = endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>();
        return endpoints.MapMetrics(MetricsPath, registry);
    }
}
