using ApiGateway.Gateway.Transforms;
using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.IdentityToken;

internal static class IdentityTokenExtensions
{
    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>
    /// Options (validated at start, key files included), the signing keys and, when enabled, the token transform.
    /// Call after <c>AddGatewayProxy</c>: the token is added after the client's copies were stripped.
    /// </summary>
    public static WebApplicationBuilder AddIdentityTokens(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<IdentityTokenOptions, IdentityTokenOptionsValidator>(IdentityTokenOptions.SectionName);
        builder.Services.AddSingleton<IPostConfigureOptions<IdentityTokenOptions>, IdentityTokenOptionsSetup>();
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SigningKeys>());
        builder.Services.AddSingleton<IdentityTokenIssuer>();
        if (IsEnabled(builder.Configuration))
        {
            builder.Services.AddSingleton<ITransformProvider, IdentityTokenTransformProvider>();
        }
        return builder;
    }

    /// <summary><c>GET /.well-known/jwks.json</c> (public keys only) in the internal group, when enabled.</summary>
    public static RouteGroupBuilder MapIdentityTokenKeys(this RouteGroupBuilder internalEndpoints)
    {
        ArgumentNullException.ThrowIfNull(internalEndpoints);
        var configuration = ((IEndpointRouteBuilder)internalEndpoints).ServiceProvider.GetRequiredService<IConfiguration>();
        if (IsEnabled(configuration))
        {
            internalEndpoints.MapGet(JwksPath, (SigningKeys keys) => TypedResults.Bytes(keys.Set.Jwks, "application/json")).WithName("Jwks");
        }
        return internalEndpoints;
    }

    private static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{IdentityTokenOptions.SectionName}:{nameof(IdentityTokenOptions.Enabled)}");
}
