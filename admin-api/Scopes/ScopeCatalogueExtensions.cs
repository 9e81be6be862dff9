using ApiGateway.Keys.Routes;

namespace ApiGateway.AdminApi.Scopes;

internal static class ScopeCatalogueExtensions
{
    /// <summary>The scope catalogue from <c>Gateway:RoutesFile</c>; a missing or invalid file stops the host at start.</summary>
    public static IHostApplicationBuilder AddScopeCatalogue(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRoutesFileOptions();
        builder.Services.AddSingleton<ScopeCatalogueSource>();
        builder.Services.AddHostedService<ScopeCatalogueLoader>();
        return builder;
    }

    /// <summary>
    /// Takes the source only when it starts: the host builds its hosted services before it validates options, and the
    /// source resolves <c>Gateway:RoutesFile</c> to a full path when built (an empty one must reach the validator first).
    /// </summary>
    private sealed class ScopeCatalogueLoader(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<ScopeCatalogueSource>().Load();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
