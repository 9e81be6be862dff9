namespace ApiGateway.AdminApi.Bootstrap;

/// <summary>The <c>Admin</c> section.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>Recommended minimum length of <see cref="BootstrapKey"/>; shorter ones work but log a warning.</summary>
    public const int RecommendedBootstrapKeyLength = 32;

    /// <summary>
    /// If set and no admin credential exists yet, it becomes the first owner credential. Unset: one is generated and
    /// printed once to stdout.
    /// </summary>
    public string? BootstrapKey { get; set; }

    /// <summary>
    /// The base URL browsers reach the admin API at, for the self-serve key page's start URLs (docs/portal.md). Unset:
    /// the base of the request that opened the session.
    /// </summary>
    public string? PublicUrl { get; set; }
}
