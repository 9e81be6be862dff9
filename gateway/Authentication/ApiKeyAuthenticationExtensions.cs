using ApiGateway.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

internal static class ApiKeyAuthenticationExtensions
{
    /// <summary>The key store (shared library), its cache and change-feed poller, and the Bearer key verifier.</summary>
    public static WebApplicationBuilder AddApiKeyAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddKeyStore(builder.Configuration);
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        builder.Services.AddSingleton<StoreHealth>();
        builder.Services.AddSingleton<FailedLookupBudget>();
        builder.Services.TryAddSingleton<ClientIpResolver>();
        builder.Services.AddSingleton<KeyCache>();
        builder.Services.TryAddSingleton<KeyChangeSignal>();
        builder.Services.AddSingleton<KeyChangePoller>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KeyChangePoller>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<KeyVerifier>();
        return builder;
    }
}
