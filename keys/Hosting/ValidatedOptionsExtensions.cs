using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.Hosting;

/// <summary>
/// The one way both processes declare a settings section: bound from configuration, checked by an
/// <see cref="IValidateOptions{TOptions}"/> class that reports every problem naming its setting, and checked when the
/// host starts, so a bad setting stops the process before it serves anything (README "Configuration").
/// </summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>Binds <paramref name="sectionName"/> to <typeparamref name="TOptions"/> and validates it with <typeparamref name="TValidator"/> at start.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string sectionName)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        // TryAddEnumerable: declaring a section twice (two features that share it) validates it once.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
    }
}
