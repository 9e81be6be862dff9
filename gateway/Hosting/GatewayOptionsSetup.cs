using ApiGateway.Gateway.Authentication;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Accepts <c>Gateway:TrustedProxies</c> as one comma-separated string too (handy in an environment variable),
/// and parses the CIDRs once.
/// </summary>
internal sealed class GatewayOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<GatewayOptions>
{
    public void PostConfigure(string? name, GatewayOptions options)
    {
        var scalar = configuration[$"{GatewayOptions.SectionName}:{nameof(GatewayOptions.TrustedProxies)}"];
        if (!string.IsNullOrWhiteSpace(scalar))
        {
            options.TrustedProxies = [.. scalar.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in options.TrustedProxies)
        {
            if (IpNetworks.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
        }
        options.TrustedProxyNetworks = networks;
    }
}
