namespace ApiGateway.AdminApi.Portal;

/// <summary>
/// The headers of every portal response: private and never cached (a page may hold a key's only copy), scripts and styles
/// only from the portal itself, and framing only by <c>Portal:FrameAncestors</c> (the SaaS that embeds it).
/// </summary>
internal sealed class PortalHeaders(IOptions<PortalOptions> options)
{
    private readonly string _contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        $"form-action 'self'; frame-ancestors {options.Value.FrameAncestors.Trim()}; base-uri 'none'";

    /// <summary>X-Frame-Options cannot name other origins; it is sent only where it agrees with the CSP (browsers that read CSP ignore it).</summary>
    private readonly string? _frameOptions = options.Value.FrameAncestors.Trim() switch
    {
        "'self'" => "SAMEORIGIN",
        "'none'" => "DENY",
        _ => null,
    };

    public string ContentSecurityPolicy => _contentSecurityPolicy;

    public void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.ContentSecurityPolicy = _contentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        if (_frameOptions is not null)
        {
            headers.XFrameOptions = _frameOptions;
        }
        headers["Referrer-Policy"] = "no-referrer";
    }
}
