namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Adds the routes file's <c>ReverseProxy</c> section to configuration, for YARP's <c>LoadFromConfig</c>. Unlike
/// <c>AddJsonFile(reloadOnChange)</c>, a reload that cannot be read (garbage JSON, a half-written or deleted file, no
/// <c>ReverseProxy</c> section) keeps the last good data instead of clearing it, and reports why.
/// </summary>
internal sealed class RoutesFileConfigurationSource(string path) : IConfigurationSource
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The provider built from this source (one per configuration root).</summary>
    public RoutesFileConfigurationProvider? Provider { get; private set; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider ??= new RoutesFileConfigurationProvider(Path);
}
