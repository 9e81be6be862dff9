namespace ApiGateway.AdminApi.Scopes;

internal static class ScopeCatalogueExtensions
{
    /// <summary>The scope catalogue from <c>Gateway:RoutesFile</c>; a missing or invalid file stops the host at start.</summary>
    public static IHostApplicationBuilder AddScopeCatalogue(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoutesFileOptions>().BindConfiguration(RoutesFileOptions.SectionName);
        builder.Services.AddSingleton<ScopeCatalogueSource>();
        builder.Services.AddHostedService<ScopeCatalogueLoader>();
        return builder;
    }

    private sealed class ScopeCatalogueLoader(ScopeCatalogueSource source) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            source.Load();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
