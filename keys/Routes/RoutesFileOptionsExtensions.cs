using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.Routes;

public static class RoutesFileOptionsExtensions
{
    /// <summary>Binds <c>Gateway:RoutesFile</c> and validates it when the host starts.</summary>
    public static IServiceCollection AddRoutesFileOptions(this IServiceCollection services)
    {
        services.AddOptions<RoutesFileOptions>().BindConfiguration(RoutesFileOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoutesFileOptions>, RoutesFileOptionsValidator>());
        return services;
    }
}
