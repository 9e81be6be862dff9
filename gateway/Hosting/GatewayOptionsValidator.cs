using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Hosting;

/// <summary>Reports every problem of the <c>Gateway</c> section at once, at start.</summary>
internal sealed class GatewayOptionsValidator(PublicUrls publicUrls) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.InternalUrl, UriKind.Absolute, out var internalUri) || internalUri.Scheme is not ("http" or "https"))
        {
            failures.Add($"Gateway:InternalUrl must be an absolute http(s) URL, not '{options.InternalUrl}'.");
        }
        else if (internalUri.Port == 0)
        {
            failures.Add("Gateway:InternalUrl needs a fixed port: requests are told apart by the port they arrive on.");
        }
        else
        {
            foreach (var url in publicUrls.Urls)
            {
                if (Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var publicUri)
                    && publicUri.Port == internalUri.Port)
                {
                    failures.Add($"Gateway:InternalUrl port {internalUri.Port} is also a public URL ('{url}'); they must differ.");
                }
            }
        }
        if (!string.IsNullOrWhiteSpace(options.ForwardAuthUrl))
        {
            ValidateForwardAuthUrl(options.ForwardAuthUrl, internalUri, failures);
        }
        if (string.IsNullOrWhiteSpace(options.WorkspaceHeader) || !options.WorkspaceHeader.All(IsTokenChar))
        {
            failures.Add($"Gateway:WorkspaceHeader must be a valid header name, not '{options.WorkspaceHeader}'.");
        }
        foreach (var entry in options.TrustedProxies)
        {
            if (!IpNetworks.TryParse(entry, out _))
            {
                failures.Add($"Gateway:TrustedProxies has '{entry}', which is not an IP address or CIDR.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateForwardAuthUrl(string url, Uri? internalUri, List<string> failures)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            failures.Add($"Gateway:ForwardAuthUrl must be an absolute http(s) URL, not '{url}'.");
            return;
        }
        if (uri.Port == 0)
        {
            failures.Add("Gateway:ForwardAuthUrl needs a fixed port: requests are told apart by the port they arrive on.");
            return;
        }
        if (internalUri is not null && internalUri.Port == uri.Port)
        {
            failures.Add($"Gateway:ForwardAuthUrl port {uri.Port} is also Gateway:InternalUrl's; they must differ.");
        }
        foreach (var publicUrl in publicUrls.Urls)
        {
            if (Uri.TryCreate(publicUrl.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var publicUri)
                && publicUri.Port == uri.Port)
            {
                failures.Add($"Gateway:ForwardAuthUrl port {uri.Port} is also a public URL ('{publicUrl}'); they must differ.");
            }
        }
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
