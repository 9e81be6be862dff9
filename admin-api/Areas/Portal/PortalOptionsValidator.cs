using System.Text.RegularExpressions;
using ApiGateway.AdminApi.Bootstrap;

namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// Refuses at start a <c>Portal:FrameAncestors</c> that is not a list of CSP sources (a stray <c>;</c> would start another
/// directive in the header), and an <c>Admin:PublicUrl</c> that cannot prefix the start URL.
/// </summary>
internal sealed partial class PortalOptionsValidator : IValidateOptions<PortalOptions>, IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, PortalOptions options)
    {
        var sources = (options.FrameAncestors ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (sources.Length == 0)
        {
            return ValidateOptionsResult.Fail("Portal:FrameAncestors must name at least one source: 'self', 'none' or origins like https://app.example.com.");
        }
        var errors = sources.Where(s => !IsSource(s))
            .Select(s => $"Portal:FrameAncestors: '{s}' is not a frame-ancestors source ('self', 'none', or a scheme and host such as https://app.example.com or https://*.example.com:8443).")
            .ToList();
        if (sources.Contains("'none'") && sources.Length > 1)
        {
            errors.Add("Portal:FrameAncestors: 'none' cannot be combined with other sources.");
        }
        if (!string.IsNullOrWhiteSpace(options.ThemeFile) && !File.Exists(options.ThemeFile))
        {
            errors.Add($"Portal:ThemeFile: no file at '{Path.GetFullPath(options.ThemeFile)}'.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            return ValidateOptionsResult.Success;
        }
        return Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment) && string.IsNullOrEmpty(url.UserInfo)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Admin:PublicUrl must be an absolute http(s) URL without query, fragment or user info (e.g. https://keys.example.com); got '{options.PublicUrl}'.");
    }

    private static bool IsSource(string source) =>
        source is "'self'" or "'none'" || HostSource().IsMatch(source);

    /// <summary>CSP's host-source with a scheme: <c>https://host</c>, <c>https://*.host</c>, an optional port, no path.</summary>
    [GeneratedRegex(@"^https?://(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:([0-9]{1,5}|\*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostSource();
}
