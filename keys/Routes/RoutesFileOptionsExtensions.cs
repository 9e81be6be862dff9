using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.Keys.Routes;

public static class RoutesFileOptionsExtensions
{
    /// <summary>Binds <c>Gateway:RoutesFile</c> and validates it when the host starts.</summary>
    public static IServiceCollection AddRoutesFileOptions(this IServiceCollection services)
    {
        services.AddValidatedOptions<RoutesFileOptions, RoutesFileOptionsValidator>(RoutesFileOptions.SectionName);
        return services;
    }
}
