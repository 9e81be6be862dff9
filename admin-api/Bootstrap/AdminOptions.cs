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
    /// Where a generated bootstrap credential goes instead of stdout (container logs keep stdout): a new file, owner
    /// read/write only. Unset: printed once to stdout. Relative paths resolve against the working directory.
    /// </summary>
    public string? BootstrapKeyFile { get; set; }

    /// <summary>
    /// The base URL browsers reach the admin API at, for the self-serve key page's start URLs (docs/portal.md). Unset:
    /// the base of the request that opened the session.
    /// </summary>
    public string? PublicUrl { get; set; }
}
