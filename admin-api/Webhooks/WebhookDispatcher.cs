using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// Sends due deliveries from the outbox (docs/webhooks.md "Delivery"): claims a batch under a lease
/// (<see cref="IWebhookStore.ClaimAsync"/>), POSTs each signed with a fresh timestamp, and records the outcome: 2xx is
/// delivered; any other status, a timeout (<c>Webhooks:TimeoutSeconds</c>, on the injected clock) or a connection
/// failure is retried on <see cref="WebhookBackoff"/> until <c>Webhooks:MaxAttemptHours</c>. The lease outlives the
/// timeout, so no other process takes a delivery that is still being sent; after a crash it is taken over when the lease
/// ends. Runs in every admin API process; they share the work through the store.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IWebhookStore store, WebhookHttpClient client, WebhookSignal signal, TimeProvider time, IOptions<WebhooksOptions> options,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const int BatchSize = 16;

    /// <summary>How often the store is asked for due deliveries when nothing woke the dispatcher (events of other processes, retries).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Added to the attempt timeout: a lease ends only after its attempt has surely ended.</summary>
    public static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(5);

    private const string UserAgent = "api-gateway-webhooks/1";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a store outage must not end deliveries for the life of the process
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Log.PassFailed(logger, exception);
            }
            if (claimed < BatchSize)
            {
                try
                {
                    await signal.WaitAsync(PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims one batch of due deliveries and sends them concurrently (one per endpoint and key); returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claimed = await store.ClaimAsync(now, now + options.Value.Timeout + LeaseMargin, BatchSize, cancellationToken);
        await Task.WhenAll(claimed.Select(delivery => DeliverAsync(delivery, cancellationToken)));
        return claimed.Count;
    }

    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        var (status, error) = await SendAsync(delivery, stoppingToken);
        var at = time.GetUtcNow();
        var delivered = status is >= 200 and < 300;
        DateTimeOffset? next = delivered ? null
            // Stopping cut the attempt short: due again at once, for whichever process runs next.
            : stoppingToken.IsCancellationRequested ? at
            : WebhookBackoff.Next(delivery.Attempt, delivery.EventAt, at, options.Value.MaxAttemptAge);
        if (!delivered)
        {
            if (next is null)
            {
                Log.GaveUp(logger, delivery.EventId, delivery.WebhookId, delivery.Attempt, status, error);
            }
            else
            {
                Log.AttemptFailed(logger, delivery.EventId, delivery.WebhookId, delivery.Attempt, status, error);
            }
        }
        // Recorded even while stopping: the outcome is what keeps the delivery from being sent twice as a new attempt.
        await store.CompleteAsync(delivery, new AttemptOutcome(delivered, status, error, at, next), CancellationToken.None);
    }

    private async Task<(int? Status, string? Error)> SendAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, delivery.EventId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader,
            WebhookSignature.Sign(WebhookSecret.KeyOf(delivery.Secret), delivery.EventId, timestamp, delivery.Payload));
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        using var timeout = new CancellationTokenSource(options.Value.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            using var response = await client.SendAsync(request, linked.Token);
            return ((int)response.StatusCode, response.IsSuccessStatusCode ? null : "non-2xx response");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (null, "timeout");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return (null, "cancelled: admin API stopping");
        }
        catch (HttpRequestException exception) when (Refused(exception))
        {
            return (null, "destination refused: not a public address");
        }
        catch (HttpRequestException exception)
        {
            return (null, "connection failed: " + exception.HttpRequestError.ToString());
        }
    }

    private static bool Refused(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is WebhookDestinationRefusedException)
            {
                return true;
            }
        }
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Webhook attempt {Attempt} of {EventId} to {WebhookId} failed ({Status}, {Error}); retrying.", EventName = "WebhookAttemptFailed")]
        public static partial void AttemptFailed(ILogger logger, string eventId, string webhookId, int attempt, int? status, string? error);

        [LoggerMessage(2, LogLevel.Warning, "Webhook {EventId} to {WebhookId} given up after {Attempt} attempts ({Status}, {Error}).", EventName = "WebhookGaveUp")]
        public static partial void GaveUp(ILogger logger, string eventId, string webhookId, int attempt, int? status, string? error);

        [LoggerMessage(3, LogLevel.Warning, "Webhook dispatch pass failed; retrying at the next poll.", EventName = "WebhookDispatchFailed")]
        public static partial void PassFailed(ILogger logger, Exception exception);
    }
}
