using ApiGateway.Keys.Scopes;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>
/// What the create form offers: the scope catalogue of the routes file (<c>Gateway:RoutesFile</c>) and the rate-limit
/// tier names (<c>RateLimits:Tiers</c>). Uses the app's registered <see cref="ScopeCatalogue"/> when there is one, else
/// reads the routes file, so a changed file shows up on the next page load.
/// </summary>
internal sealed class ConsoleCatalogue(IServiceProvider services, IConfiguration configuration)
{
    public const string DefaultRoutesFile = "config/routes.json";

    public ScopeCatalogue Scopes()
    {
        if (services.GetService<ScopeCatalogue>() is { } registered)
        {
            return registered;
        }
        var path = configuration["Gateway:RoutesFile"];
        path = string.IsNullOrWhiteSpace(path) ? DefaultRoutesFile : path;
        return File.Exists(path) ? ScopeCatalogue.FromRoutesFile(path) : new ScopeCatalogue([]);
    }

    public IReadOnlyList<string> Tiers() =>
        [.. configuration.GetSection("RateLimits:Tiers").GetChildren().Select(s => s.Key).Order(StringComparer.Ordinal)];

    public string? DefaultTier() => configuration["RateLimits:DefaultTier"];
}
