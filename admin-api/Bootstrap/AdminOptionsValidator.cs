namespace ApiGateway.AdminApi.Bootstrap;

/// <summary>
/// Refuses at start an <c>Admin:PublicUrl</c> that cannot prefix the self-serve key page's start URLs (docs/portal.md):
/// it must be an absolute http(s) URL without query, fragment or user info.
/// </summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            return ValidateOptionsResult.Success;
        }
        return Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment) && string.IsNullOrEmpty(url.UserInfo)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Admin:PublicUrl must be an absolute http(s) URL without query, fragment or user info (e.g. https://keys.example.com); got '{options.PublicUrl}'.");
    }
}
