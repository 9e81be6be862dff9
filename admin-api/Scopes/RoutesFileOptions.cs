namespace ApiGateway.AdminApi.Scopes;

/// <summary><c>Gateway:RoutesFile</c>: the routes file whose metadata defines the scope catalogue (shared with the gateway).</summary>
public sealed class RoutesFileOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Relative paths resolve against the current working directory.</summary>
    public string RoutesFile { get; set; } = "config/routes.json";
}
