using System.Net;

namespace ApiGateway.AdminApi.Hosting;

/// <summary>The admin API's trusted proxies (<c>Admin:TrustedProxies</c>), for running it behind a TLS-terminating proxy.</summary>
public sealed class AdminProxyOptions
{
    public const string SectionName = "Admin";

    /// <summary>
    /// CIDRs or addresses whose <c>X-Forwarded-For/-Proto/-Host</c> are believed; from any other peer every forwarding
    /// header is removed before the app sees it. A list, or one comma-separated string (<c>Admin__TrustedProxies</c>).
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Parsed <see cref="TrustedProxies"/>; filled by post-configuration (validation reports what does not parse).</summary>
    internal IReadOnlyList<IPNetwork> TrustedProxyNetworks { get; set; } = [];
}
