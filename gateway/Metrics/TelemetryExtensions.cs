using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Usage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ApiGateway.Gateway.Metrics;

/// <summary>Wires the contract's metrics, prometheus-net's HTTP and runtime metrics, and batched key usage.</summary>
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

        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>());
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UsageOptions>, UsageOptionsValidator>());

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
    /// Counts every request on the public listener (refused ones included) and records key usage, plus prometheus-net's
    /// HTTP metrics on the same registry. Goes right after <c>UseRouting</c> (the route label comes from the matched
    /// endpoint) and before everything that can refuse, so it sees 401, 403, 404 and 429 answers too. Requests on the
    /// internal port (health probes, scrapes) are not counted.
    /// </summary>
    public static IApplicationBuilder UseGatewayTelemetry(this IApplicationBuilder app)
    {
        var registry = app.ApplicationServices.GetRequiredService<CollectorRegistry>();
        var internalPort = app.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value.InternalPort;
        return app.UseWhen(context => context.Connection.LocalPort != internalPort, publicRequests =>
        {
            publicRequests.UseMiddleware<GatewayTelemetryMiddleware>();
            publicRequests.UseHttpMetrics(options =>
            {
                options.ConfigureMeasurements(measurement => measurement.Registry = registry);
                options.ReduceStatusCodeCardinality();
            });
        });
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
