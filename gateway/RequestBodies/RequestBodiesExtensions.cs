using ApiGateway.Keys.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.RequestBodies;

internal static class RequestBodiesExtensions
{
    /// <summary><c>Gateway:MaxRequestBodySize</c> (Kestrel's limit too) and the reload fix for route limits.</summary>
    public static WebApplicationBuilder AddRequestBodyLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RequestBodyOptions, RequestBodyOptionsValidator>(RequestBodyOptions.SectionName);
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp =>
            new ConfigureOptions<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = sp.GetRequiredService<IOptions<RequestBodyOptions>>().Value.MaxRequestBodySize));
        builder.Services.AddSingleton<IProxyConfigFilter, RouteBodyLimits>();
        return builder;
    }

    /// <summary>After routing (the route decides the limit), before authentication: an oversized declared body costs no key lookup.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestBodyLimitMiddleware>();
}
