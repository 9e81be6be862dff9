namespace ApiGateway.Keys.Routes;

/// <summary>
/// <c>Gateway:RoutesFile</c>, read by both processes: the gateway proxies by its routes, the admin API offers the scopes
/// their metadata names (docs/gateway.md, docs/admin-api.md). Validated at start by <see cref="RoutesFileOptionsValidator"/>.
/// </summary>
public sealed class RoutesFileOptions
{
    public const string SectionName = "Gateway";
    public const string DefaultRoutesFile = "config/routes.json";

    /// <summary>The YARP routes file; relative paths resolve against the current working directory.</summary>
    public string RoutesFile { get; set; } = DefaultRoutesFile;

    /// <summary>The configured path, read before the container exists (the gateway adds the file as a configuration source).</summary>
    public static string From(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration[$"{SectionName}:{nameof(RoutesFile)}"] ?? DefaultRoutesFile;
}
