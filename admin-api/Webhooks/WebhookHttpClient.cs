using System.Net;
using System.Net.Sockets;

namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// The one HTTP client deliveries use: no redirects, no proxy, no cookies, and (unless
/// <c>Webhooks:AllowPrivateNetworks</c>) a connect step that resolves the host itself and connects only to an address
/// <see cref="WebhookDestinations"/> allows: the address checked is the address connected to, so DNS rebinding between
/// registration and delivery, or between two deliveries, cannot reach an internal one.
/// </summary>
internal sealed class WebhookHttpClient : IDisposable
{
    private readonly HttpClient _client;

    public WebhookHttpClient(IOptions<WebhooksOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var allowPrivate = options.Value.AllowPrivateNetworks;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.Value.Timeout,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
        };
        // Timeouts are the dispatcher's (on its TimeProvider), per attempt.
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var allowed = allowPrivate ? addresses : [.. addresses.Where(a => !WebhookDestinations.IsRefused(a))];
        if (allowed.Length == 0)
        {
            throw new WebhookDestinationRefusedException();
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Every address the webhook's host resolved to is one deliveries may not reach.</summary>
internal sealed class WebhookDestinationRefusedException()
    : IOException("The destination resolves only to loopback, private, link-local or reserved addresses, which webhooks may not reach.");
