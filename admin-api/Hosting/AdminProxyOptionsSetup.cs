using ApiGateway.Keys.Hosting;

namespace ApiGateway.AdminApi.Hosting;

/// <summary>Accepts <c>Admin:TrustedProxies</c> as one comma-separated string too, and parses the networks once.</summary>
internal sealed class AdminProxyOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<AdminProxyOptions>
{
    public void PostConfigure(string? name, AdminProxyOptions options)
    {
        var scalar = configuration[$"{AdminProxyOptions.SectionName}:{nameof(AdminProxyOptions.TrustedProxies)}"];
        if (!string.IsNullOrWhiteSpace(scalar))
        {
            options.TrustedProxies = [.. scalar.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        options.TrustedProxyNetworks = [.. options.TrustedProxies.Select(e => TrustedProxyForwarding.TryParseNetwork(e, out var n) ? n : (System.Net.IPNetwork?)null)
            .OfType<System.Net.IPNetwork>()];
    }
}
