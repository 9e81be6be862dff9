using ApiGateway.Keys.Hosting;
using ApiGateway.Keys.Routes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Options, Kestrel limits and listen addresses: the public URLs (<c>Urls</c> / <c>ASPNETCORE_URLS</c>, default
/// <c>http://0.0.0.0:8080</c>, or <c>Kestrel:Endpoints:*</c>) plus <c>Gateway:InternalUrl</c> and, when set,
/// <c>Gateway:ForwardAuthUrl</c>
/// (<see cref="GatewayListeners"/>). Which one a request came in on decides which endpoints it can reach
/// (<see cref="ListenerMatcherPolicy"/>).
/// </summary>
internal static class GatewayHosting
{
    public static WebApplicationBuilder AddGatewayHosting(this WebApplicationBuilder builder)
    {
        builder.UseAppSettingsBesideBinary(); // log levels: YARP logs every proxied request at Information otherwise
        builder.Services.AddValidatedOptions<GatewayOptions, GatewayOptionsValidator>(GatewayOptions.SectionName);
        builder.Services.AddSingleton<IPostConfigureOptions<GatewayOptions>, GatewayOptionsSetup>();
        builder.Services.AddRoutesFileOptions(); // Gateway:RoutesFile, shared with the admin API
        builder.Services.AddSingleton<Microsoft.AspNetCore.Routing.MatcherPolicy, ListenerMatcherPolicy>();
        builder.Services.AddValidatedOptions<ConnectionLimitsOptions, ConnectionLimitsOptionsValidator>(ConnectionLimitsOptions.SectionName);
        builder.Services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>, ConnectionLimitsSetup>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<RejectedConnectionsReporter>();
        builder.Services.TryAddSingleton(sp => new ListenersBound(sp.GetRequiredService<IHostApplicationLifetime>()));

        var internalUrl = builder.Configuration[$"{GatewayOptions.SectionName}:{nameof(GatewayOptions.InternalUrl)}"] ?? new GatewayOptions().InternalUrl;
        var forwardAuthUrl = builder.Configuration[$"{GatewayOptions.SectionName}:{nameof(GatewayOptions.ForwardAuthUrl)}"];
        builder.Services.AddSingleton(GatewayListeners.Add(builder, internalUrl, forwardAuthUrl));
        return builder;
    }

    /// <summary>The public listen URLs from <c>Urls</c> (which <c>ASPNETCORE_URLS</c> also sets), semicolon-separated.</summary>
    public static IReadOnlyList<string> ReadPublicUrls(IConfiguration configuration)
    {
        var urls = configuration["urls"];
        return (string.IsNullOrWhiteSpace(urls) ? GatewayOptions.DefaultPublicUrls : urls)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}

/// <summary>The public listen URLs, as configured before the internal one was added to the listen list.</summary>
internal sealed record PublicUrls(IReadOnlyList<string> Urls)
{
    /// <summary>Sockets Kestrel binds for them: <c>localhost</c> is two (IPv4 and IPv6), each with its own connection limit.</summary>
    public int ListenerCount => Urls.Sum(url => url.Contains("://localhost", StringComparison.OrdinalIgnoreCase) ? 2 : 1);
}
