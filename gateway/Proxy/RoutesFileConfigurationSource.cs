namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Adds the routes file's <c>ReverseProxy</c> section to configuration, for YARP's <c>LoadFromConfig</c>. Unlike
/// <c>AddJsonFile(reloadOnChange)</c>, a reload that cannot be read (garbage JSON, a half-written or deleted file, no
/// <c>ReverseProxy</c> section) keeps the last good data instead of clearing it, and reports why.
/// </summary>
internal sealed class RoutesFileConfigurationSource(string? path) : IConfigurationSource
{
    /// <summary>
    /// The file's full path; null when <c>Gateway:RoutesFile</c> is blank. The source is then not added to configuration and
    /// the host stops at start with <c>RoutesFileOptionsValidator</c>'s message naming the setting (resolving a blank path
    /// here, while configuration is still being built, threw an <see cref="ArgumentException"/> that named nothing).
    /// </summary>
    public string? Path { get; } = string.IsNullOrWhiteSpace(path) ? null : System.IO.Path.GetFullPath(path);

    /// <summary>The provider built from this source (one per configuration root).</summary>
    public RoutesFileConfigurationProvider? Provider { get; private set; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        Provider ??= new RoutesFileConfigurationProvider(Path ?? throw new InvalidOperationException("Gateway:RoutesFile must name the routes file."));
}
