using ApiGateway.Keys;
using ApiGateway.Keys.Hosting;

namespace ApiGateway.AdminApi.Bootstrap;

internal static class BootstrapExtensions
{
    /// <summary>The key store (migrated at start), then the first owner credential: hosted services start in this order.</summary>
    public static IHostApplicationBuilder AddAdminStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddKeyStore(builder.Configuration);
        builder.Services.AddValidatedOptions<AdminOptions, AdminOptionsValidator>(AdminOptions.SectionName);
        builder.Services.AddHostedService<BootstrapAdminService>();
        return builder;
    }
}
