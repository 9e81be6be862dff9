using ApiGateway.Keys.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApiGateway.AdminApi.Hosting;

internal static class ForwardedHeadersExtensions
{
    /// <summary><c>Admin:TrustedProxies</c> (validated at start) configures ASP.NET Core's forwarded-headers middleware.</summary>
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AdminProxyOptions, AdminProxyOptionsValidator>(AdminProxyOptions.SectionName);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AdminProxyOptions>, AdminProxyOptionsSetup>());
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<AdminProxyOptions>>((forwarded, proxies) =>
            TrustedProxyForwarding.Configure(forwarded, proxies.Value.TrustedProxyNetworks,
                ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost));
        return builder;
    }

    /// <summary>First in the pipeline: forged forwarding headers out, then a trusted proxy's ones applied.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        app.UseMiddleware<UntrustedForwardingHeadersMiddleware>();
        app.UseForwardedHeaders();
        return app;
    }
}
