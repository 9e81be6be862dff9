namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// Turns what no admin call does into events: every 5 s, <c>key.quota_exhausted</c> for each quota exhaustion a gateway
/// recorded (once per lineage and period: the gateways' rows are unique, and marking one emitted and writing its event
/// commit together); every minute, <c>key.expiring</c> for each live key whose <c>expiresAt</c> is within
/// <c>Webhooks:ExpiringDays</c> (once per key: the warning row and the event commit together, and a second process
/// finds the row). docs/webhooks.md "Expiry warnings and spent quotas".
/// </summary>
internal sealed partial class KeyEventScanner(
    IWebhookStore store, WebhookPayloads payloads, WebhookSignal signal, TimeProvider time, IOptions<WebhooksOptions> options,
    ILogger<KeyEventScanner> logger) : BackgroundService
{
    public static readonly TimeSpan QuotaInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ExpiringInterval = TimeSpan.FromMinutes(1);
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? lastExpiringScan = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                var expiring = lastExpiringScan is null || now - lastExpiringScan >= ExpiringInterval;
                await ScanAsync(expiring, stoppingToken);
                if (expiring)
                {
                    lastExpiringScan = now;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a store outage must not end the scans for the life of the process
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.ScanFailed(logger, exception);
            }
            try
            {
                await Task.Delay(QuotaInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass (quota exhaustions, and expiring keys when <paramref name="expiring"/>); returns how many events it wrote.</summary>
    public async Task<int> ScanAsync(bool expiring, CancellationToken cancellationToken)
    {
        var written = 0;
        var now = time.GetUtcNow();
        var keys = expiring ? await store.FindUnwarnedExpiringKeysAsync(now, now + options.Value.ExpiringWindow, Batch, cancellationToken) : [];
        foreach (var key in keys)
        {
            var warning = await payloads.EventAsync(WebhookEventTypes.KeyExpiring, key, cancellationToken);
            written += await store.RecordExpiryWarningAsync(key.Id, warning, cancellationToken) ? 1 : 0;
        }
        foreach (var exhaustion in await store.FindUnemittedQuotaExhaustionsAsync(Batch, cancellationToken))
        {
            if (await store.GetKeyAsync(exhaustion.KeyId, cancellationToken) is not { } key)
            {
                continue;
            }
            var exhausted = await payloads.EventAsync(WebhookEventTypes.KeyQuotaExhausted, key, cancellationToken);
            written += await store.EmitQuotaExhaustionAsync(exhaustion, exhausted, cancellationToken) ? 1 : 0;
        }
        if (written > 0)
        {
            signal.Wake();
        }
        return written;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Key event scan failed; retrying at the next scan.", EventName = "KeyEventScanFailed")]
        public static partial void ScanFailed(ILogger logger, Exception exception);
    }
}
