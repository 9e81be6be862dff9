using ApiGateway.Keys.Hosting;

namespace ApiGateway.AdminApi.Hosting;

/// <summary>
/// From a peer outside <c>Admin:TrustedProxies</c>, removes every <c>X-Forwarded-*</c>, <c>Forwarded</c> and
/// <c>X-Real-IP</c> header before anything else runs, so no later code (or library) can be talked into another
/// client address, scheme or host.
/// </summary>
internal sealed class UntrustedForwardingHeadersMiddleware(RequestDelegate next, IOptions<AdminProxyOptions> options)
{
    private readonly IReadOnlyList<System.Net.IPNetwork> _trusted = options.Value.TrustedProxyNetworks;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } peer || !IpNetworks.Contains(_trusted, IpNetworks.Normalize(peer)))
        {
            var headers = context.Request.Headers;
            List<string>? forged = null;
            foreach (var header in headers)
            {
                if (TrustedProxyForwarding.IsForwardingHeader(header.Key))
                {
                    (forged ??= []).Add(header.Key);
                }
            }
            forged?.ForEach(name => headers.Remove(name));
        }
        return next(context);
    }
}
