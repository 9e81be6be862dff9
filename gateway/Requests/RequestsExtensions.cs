using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ApiGateway.Gateway.Requests;

internal static class RequestsExtensions
{
    /// <summary>
    /// What every stage reads about the request itself: the client address (<see cref="ClientIpResolver"/>, trusted
    /// proxies from <c>Gateway:TrustedProxies</c>). <see cref="ApiKeyRequestFeature"/> needs no registration.
    /// </summary>
    public static WebApplicationBuilder AddRequestContext(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<ClientIpResolver>();
        return builder;
    }
}
