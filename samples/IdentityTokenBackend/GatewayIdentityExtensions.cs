using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace IdentityTokenBackend;

internal static class GatewayIdentityExtensions
{
    public const string TokenHeader = "X-Api-Key-Token";

    /// <summary>
    /// JwtBearer, reading the token from <c>X-Api-Key-Token</c>: ES256 only, signed by a key in the gateway's JWKS,
    /// issuer and audience checked, expiry checked with 5 s of skew (the default 5 minutes would outlast the token).
    /// Every endpoint needs it unless it opts out.
    /// </summary>
    public static WebApplicationBuilder AddGatewayIdentity(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(GatewayIdentityOptions.SectionName).Get<GatewayIdentityOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(settings.Audience))
        {
            throw new InvalidOperationException("GatewayIdentity:Audience must name this backend's cluster id in the gateway's routes file.");
        }
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.SaveToken = true;   // so a response can name the key that signed it (rotation checks)
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                settings.JwksUrl, new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = settings.RequireHttps })
            {
                // A new key is fetched when a token names an unknown kid (at most once a second), else every 5 minutes.
                AutomaticRefreshInterval = TimeSpan.FromMinutes(5),
                RefreshInterval = TimeSpan.FromSeconds(1),
            };
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Issuer,
                ValidAudience = settings.Audience,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                ClockSkew = TimeSpan.FromSeconds(5),
                NameClaimType = JwtRegisteredClaimNames.Sub,
            };
            options.Events = new JwtBearerEvents
            {
                // The gateway's header, not Authorization (the gateway removes the client's). Two copies: refused.
                OnMessageReceived = context =>
                {
                    var values = context.Request.Headers[TokenHeader];
                    context.Token = values.Count == 1 ? values[0] : null;
                    return Task.CompletedTask;
                },
            };
        });
        builder.Services.AddAuthorizationBuilder().SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}
