using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace ApiGateway.Keys.Hosting;

public static class AppSettingsBesideBinaryExtensions
{
    /// <summary>
    /// Relative paths (database, routes file) resolve against the working directory, which is also the default content
    /// root; when the process starts elsewhere than its project folder (the repository root, a service manager),
    /// <c>appsettings*.json</c> are read from next to the binary instead, in the same place among the sources (so
    /// environment variables and the command line still override them). Both processes ship an appsettings.json with
    /// their log levels and tiers (YARP logs every proxied request at Information unless it applies).
    /// </summary>
    public static IHostApplicationBuilder UseAppSettingsBesideBinary(this IHostApplicationBuilder builder) =>
        builder.UseAppSettingsBeside(AppContext.BaseDirectory);

    /// <summary><see cref="UseAppSettingsBesideBinary"/> with the binary's directory given (tests).</summary>
    internal static IHostApplicationBuilder UseAppSettingsBeside(this IHostApplicationBuilder builder, string binaryDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json
                && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase)
                && !File.Exists(Path.Combine(builder.Environment.ContentRootPath, path))
                && File.Exists(Path.Combine(binaryDirectory, path)))
            {
                sources[i] = new JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = json.ReloadOnChange,
                    FileProvider = new PhysicalFileProvider(binaryDirectory),
                };
            }
        }
        return builder;
    }
}
