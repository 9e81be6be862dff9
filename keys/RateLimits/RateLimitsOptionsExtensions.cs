using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Keys.RateLimits;

public static class RateLimitsOptionsExtensions
{
    /// <summary>
    /// Binds <c>RateLimits</c>, fills in the shipped tiers when the configuration defines none, and validates the section
    /// when the host starts (<see cref="RateLimitsOptionsValidator"/>): the gateway and the admin API read it alike.
    /// </summary>
    public static IServiceCollection AddRateLimitsOptions(this IServiceCollection services)
    {
        services.AddValidatedOptions<RateLimitsOptions, RateLimitsOptionsValidator>(RateLimitsOptions.SectionName)
            .PostConfigure(o => o.UseDefaultTiersIfNone());
        return services;
    }
}
