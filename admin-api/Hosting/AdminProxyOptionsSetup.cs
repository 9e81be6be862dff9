using ApiGateway.Keys.Hosting;

namespace ApiGateway.AdminApi.Hosting;

/// <summary>Accepts <c>Admin:TrustedProxies</c> as one comma-separated string too, and parses the networks once.</summary>
internal sealed class AdminProxyOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<AdminProxyOptions>
{
    public void PostConfigure(string? name, AdminProxyOptions options)
    {
        options.TrustedProxies = CommaSeparatedSetting.Read(
            configuration, $"{AdminProxyOptions.SectionName}:{nameof(AdminProxyOptions.TrustedProxies)}", options.TrustedProxies);
        options.TrustedProxyNetworks = IpNetworks.ParseValid(options.TrustedProxies);
    }
}
