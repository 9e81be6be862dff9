using ApiGateway.AdminApi.Leaks;
using ApiGateway.AdminApi.Usage;
using ApiGateway.AdminApi.Webhooks;
using ApiGateway.Keys.RateLimits;

namespace ApiGateway.AdminApi.Endpoints;

internal static class EndpointsExtensions
{
    /// <summary>
    /// The key-management services the endpoints use, and the tier names keys are checked against (the gateway's
    /// <c>RateLimits</c> section, with its defaults, validated at start).
    /// </summary>
    public static IHostApplicationBuilder AddKeyManagement(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRateLimitsOptions();
        builder.Services.AddSingleton<KeyRequestValidator>();
        builder.Services.AddHealthChecks();
        builder.AddLeakReports();
        builder.AddWebhooks();
        return builder;
    }

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapKeys();
        app.MapKeyImport();
        app.MapWorkspaceLimits();
        app.MapAudit();
        app.MapAdminKeys();
        app.MapLeaks();
        app.MapShadowDecisions();
        app.MapWebhooks();
        app.MapUsage();
        // Liveness for process supervisors: anonymous, and it says nothing about keys.
        app.MapHealthChecks("/healthz").AllowAnonymous();
        return app;
    }
}
