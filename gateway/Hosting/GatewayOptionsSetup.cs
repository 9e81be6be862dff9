using ApiGateway.Keys.Hosting;
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
        options.TrustedProxies = CommaSeparatedSetting.Read(
            configuration, $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.TrustedProxies)}", options.TrustedProxies);
        options.TrustedProxyNetworks = IpNetworks.ParseValid(options.TrustedProxies);
    }
}
