using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ApiGateway.AdminApi.Hosting;

internal static class AppSettingsExtensions
{
    /// <summary>
    /// Relative paths (database, routes file) resolve against the working directory, which is also the default content
    /// root; when the process starts elsewhere than its project folder (the repository root, a service manager),
    /// <c>appsettings*.json</c> are read from next to the binary instead, in the same place among the sources.
    /// </summary>
    public static IHostApplicationBuilder UseAppSettingsBesideBinary(this IHostApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json
                && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase)
                && !File.Exists(Path.Combine(builder.Environment.ContentRootPath, path))
                && File.Exists(Path.Combine(AppContext.BaseDirectory, path)))
            {
                sources[i] = new JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = json.ReloadOnChange,
                    FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
                };
            }
        }
        return builder;
    }
}
