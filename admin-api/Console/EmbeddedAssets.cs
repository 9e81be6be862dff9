using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>
/// Stylesheets and scripts embedded in the assembly (so the web surfaces work from any working directory, published or
/// not, with no CDN), served anonymously under a base path: the console's and the self-serve key page's.
/// </summary>
internal static class EmbeddedAssets
{
    /// <param name="contentTypes">File name to content type; each is embedded as <paramref name="resourcePrefix"/> + name.</param>
    public static void Map(IEndpointRouteBuilder app, string basePath, string resourcePrefix, IReadOnlyDictionary<string, string> contentTypes)
    {
        var assets = new Dictionary<string, (byte[] Bytes, string ContentType)>(StringComparer.Ordinal);
        var assembly = typeof(EmbeddedAssets).Assembly;
        foreach (var (name, contentType) in contentTypes)
        {
            using var stream = assembly.GetManifestResourceStream(resourcePrefix + name)
                ?? throw new InvalidOperationException($"Asset '{resourcePrefix}{name}' is not embedded.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            assets[name] = (buffer.ToArray(), contentType);
        }
        var frozen = assets.ToFrozenDictionary(StringComparer.Ordinal);
        app.MapGet(basePath + "/{name}", (string name, HttpContext context) => Serve(frozen, name, context))
            .AllowAnonymous() // sign-in and not-found pages need their stylesheet; nothing here is private
            .ExcludeFromDescription();
    }

    /// <summary>One embedded file at a fixed path (e.g. <c>/favicon.ico</c>), anonymously, like the rest.</summary>
    public static void MapFile(IEndpointRouteBuilder app, string path, string resourceName, string contentType)
    {
        using var stream = typeof(EmbeddedAssets).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Asset '{resourceName}' is not embedded.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var single = new Dictionary<string, (byte[] Bytes, string ContentType)>(StringComparer.Ordinal)
        {
            [path] = (buffer.ToArray(), contentType),
        }.ToFrozenDictionary(StringComparer.Ordinal);
        app.MapGet(path, (HttpContext context) => Serve(single, path, context)).AllowAnonymous().ExcludeFromDescription();
    }

    private static Results<FileContentHttpResult, NotFound> Serve(FrozenDictionary<string, (byte[] Bytes, string ContentType)> assets, string name, HttpContext context)
    {
        if (!assets.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(asset.Bytes, asset.ContentType);
    }
}
