using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Transforms;
using ApiGateway.Gateway.WebSockets;
using ApiGateway.Keys.Routes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Configuration.ClusterValidators;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Proxy;

internal static class GatewayProxyExtensions
{
    /// <summary>YARP from <c>Gateway:RoutesFile</c> (reloaded on change, last good config kept), transforms, breakers and WebSocket tunnels.</summary>
    public static WebApplicationBuilder AddGatewayProxy(this WebApplicationBuilder builder)
    {
        var source = new RoutesFileConfigurationSource(RoutesFileOptions.From(builder.Configuration));
        if (source.Path is not null)
        {
            ((IConfigurationBuilder)builder.Configuration).Add(source);
        }
        builder.Services.AddSingleton(source);
        builder.Services.AddSingleton<RoutesFileMonitor>();
        builder.Services.AddSingleton<IConfigChangeListener>(sp => sp.GetRequiredService<RoutesFileMonitor>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RoutesFileMonitor>());
        builder.Services.AddSingleton<AllowedMethods>();
        builder.Services.AddSingleton<IConfigChangeListener>(sp => sp.GetRequiredService<AllowedMethods>());
        builder.Services.AddSingleton<UpstreamCircuitBreakers>();
        builder.Services.AddSingleton<OpenTunnels>();
        builder.Services.AddSingleton<ITransformProvider, IdentityHeadersTransformProvider>();
        builder.Services.AddSingleton<ITransformProvider, UpstreamStartTransformProvider>();
        builder.Services.AddSingleton<ITransformProvider, ExpiryWarningTransformProvider>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IClusterValidator, ClusterBreakerValidator>());
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        return builder;
    }

    /// <summary>
    /// A method outside <see cref="AllowedMethods"/>: 405 (with <c>Allow</c>) or 501 problem, before routing, authentication
    /// or anything else keeps state about the request. The method itself is never echoed, logged or used as a label.
    /// </summary>
    public static IApplicationBuilder UseUnsupportedMethodsRefused(this IApplicationBuilder app)
    {
        var methods = app.ApplicationServices.GetRequiredService<AllowedMethods>();
        return app.Use((context, next) => methods.Classify(context) switch
        {
            MethodVerdict.Allowed => next(context),
            MethodVerdict.NotAllowed => RefuseNotAllowed(context, methods.Allow),
            _ => GatewayProblems.WriteAsync(context, GatewayProblems.MethodNotImplemented),
        });

        static Task RefuseNotAllowed(HttpContext context, string allow)
        {
            context.Response.Headers.Allow = allow;
            return GatewayProblems.WriteAsync(context, GatewayProblems.MethodNotAllowed);
        }
    }

    /// <summary>A request that matched neither a proxy route nor an internal endpoint: 404 problem, never forwarded, no key needed.</summary>
    public static IApplicationBuilder UseUnmatchedRoutesNotFound(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var metadata = context.GetEndpoint()?.Metadata;
            return metadata?.GetMetadata<RouteAccess>() is not null || metadata?.GetMetadata<InternalEndpointMetadata>() is not null
                || metadata?.GetMetadata<ForwardAuth.ForwardAuthEndpointMetadata>() is not null
                ? next(context)
                : GatewayProblems.WriteAsync(context, GatewayProblems.NotFound);
        });

    /// <summary>
    /// Maps the proxy routes, attaching each route's parsed scope policy as endpoint metadata (the key access step
    /// reads it; public routes need no key). An invalid routes file at start is logged route by route, then stops the process.
    /// </summary>
    public static WebApplication MapGatewayProxy(this WebApplication app)
    {
        var routes = app.Services.GetRequiredService<RouteAccessTable>();
        try
        {
            app.MapReverseProxy(proxy =>
            {
                proxy.UseWebSocketTunnels();     // a key's WebSockets close when it is revoked, disabled or expires
                proxy.UseTestClusters();
                proxy.UseSessionAffinity();
                proxy.UseLoadBalancing();
                proxy.UsePassiveHealthChecks();
                proxy.UseUpstreamFaults();
            })
            .ConfigureEndpoints((endpoint, route) =>
            {
                var access = routes.For(route);
                endpoint.Add(b => b.Metadata.Add(access));
            });
        }
        catch (InvalidOperationException ex)
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayProxyExtensions).FullName!);
            RoutesFileMonitor.LogInvalidAtStart(logger, app.Services.GetRequiredService<RoutesFileConfigurationSource>().Path, ex);
            throw;
        }
        return app;
    }
}
