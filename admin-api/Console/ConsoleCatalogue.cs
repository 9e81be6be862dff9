using ApiGateway.AdminApi.Scopes;
using ApiGateway.Keys.RateLimits;
using ApiGateway.Keys.Scopes;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>
/// What the create form offers, from the same sources the API validates against: the scope catalogue of the routes
/// file (<see cref="ScopeCatalogueSource"/>, reloaded on change) and the tier names of <c>RateLimits:Tiers</c>.
/// </summary>
internal sealed class ConsoleCatalogue(ScopeCatalogueSource scopes, IOptionsMonitor<RateLimitsOptions> rateLimits)
{
    public ScopeCatalogue Scopes() => scopes.Current;

    public IReadOnlyList<string> Tiers() => [.. rateLimits.CurrentValue.Tiers.Keys.Order(StringComparer.Ordinal)];

    public string? DefaultTier() => rateLimits.CurrentValue.DefaultTier;
}
