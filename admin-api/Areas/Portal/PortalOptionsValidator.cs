using System.Text.RegularExpressions;

namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// Refuses at start a <c>Portal:FrameAncestors</c> that is not a list of CSP sources (a stray <c>;</c> would start another
/// directive in the header), and a <c>Portal:ThemeFile</c> that names no file (<c>Admin:PublicUrl</c>: AdminOptionsValidator).
/// </summary>
internal sealed partial class PortalOptionsValidator : IValidateOptions<PortalOptions>
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

    private static bool IsSource(string source) =>
        source is "'self'" or "'none'" || HostSource().IsMatch(source);

    /// <summary>CSP's host-source with a scheme: <c>https://host</c>, <c>https://*.host</c>, an optional port, no path.</summary>
    [GeneratedRegex(@"^https?://(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:([0-9]{1,5}|\*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex HostSource();
}
