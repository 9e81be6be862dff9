namespace ApiGateway.AdminApi.Portal;

/// <summary>The <c>Portal</c> section: the self-serve key page (docs/portal.md).</summary>
public sealed class PortalOptions
{
    public const string SectionName = "Portal";

    /// <summary>
    /// The CSP <c>frame-ancestors</c> sources allowed to embed the page: <c>'self'</c>, <c>'none'</c>, or
    /// space-separated origins such as <c>https://app.example.com</c>.
    /// </summary>
    public string FrameAncestors { get; set; } = "'self'";

    /// <summary>
    /// A stylesheet read at start and served after the portal's own, to set its CSS variables (<c>--portal-accent</c>, …;
    /// docs/portal.md "Theme"). Unset: the built-in look.
    /// </summary>
    public string? ThemeFile { get; set; }
}
