using ApiGateway.Keys.Hosting;
using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Webhooks;

internal static class WebhooksExtensions
{
    /// <summary>
    /// <c>Webhooks:*</c> settings (validated at start), the delivery client, the dispatcher and the expiry/quota scanner,
    /// both running in every admin API process (they share the work through the store).
    /// </summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<WebhooksOptions, WebhooksOptionsValidator>(WebhooksOptions.SectionName);
        builder.Services.AddSingleton<WebhookHttpClient>();
        builder.Services.AddSingleton<WebhookSignal>();
        builder.Services.AddSingleton<WebhookPayloads>();
        builder.Services.AddSingleton<IKeyMutationHook, WebhookEventHook>();
        builder.Services.AddSingleton<IKeyMutationListener, WebhookWakeListener>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.AddHostedService<KeyEventScanner>();
        return builder;
    }
}
