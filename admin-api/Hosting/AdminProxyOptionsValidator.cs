using ApiGateway.Keys.Hosting;

namespace ApiGateway.AdminApi.Hosting;

internal sealed class AdminProxyOptionsValidator : IValidateOptions<AdminProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminProxyOptions options)
    {
        var failures = options.TrustedProxies.Where(entry => !IpNetworks.TryParse(entry, out _))
            .Select(entry => $"Admin:TrustedProxies has '{entry}', which is not an IP address or CIDR.").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
