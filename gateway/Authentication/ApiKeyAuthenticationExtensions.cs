using ApiGateway.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

internal static class ApiKeyAuthenticationExtensions
{
    /// <summary>The key store (shared library), its cache and change-feed poller, and the Bearer key scheme.</summary>
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
        // AuthenticationHandler logs each challenge at Information: never per request on the hot path.
        builder.Logging.AddFilter(typeof(ApiKeyHandler).FullName, LogLevel.Warning);
        builder.Services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyDefaults.Scheme, configureOptions: null);
        return builder;
    }
}
