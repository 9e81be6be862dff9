using System.Collections.Frozen;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>
/// Stylesheets, scripts and icons embedded in the assembly (so the web surfaces work from any working directory,
/// published or not, with no CDN), served anonymously: the console's under <c>/console/assets/</c>, the self-serve key
/// page's under <c>/portal/assets/</c>, and the script both share under each (so either area works alone behind a proxy
/// that routes only its own path). Every file is embedded once as <c>assets/</c> + its file name.
/// </summary>
internal static class EmbeddedAssets
{
    private const string ResourcePrefix = "assets/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The embedded files <paramref name="names"/>, each at <paramref name="basePath"/>/name; any other name is a 404.</summary>
    public static void Map(IEndpointRouteBuilder app, string basePath, params string[] names)
    {
        var assets = names.ToFrozenDictionary(name => name, Read, StringComparer.Ordinal);
        app.MapGet(basePath + "/{name}", Results<FileContentHttpResult, NotFound> (string name, HttpContext context) =>
                assets.TryGetValue(name, out var asset) ? Serve(asset, context) : TypedResults.NotFound())
            .AllowAnonymous() // sign-in and not-found pages need their stylesheet; nothing here is private
            .ExcludeFromDescription();
    }

    /// <summary>One embedded file at a fixed path (e.g. <c>/favicon.ico</c>), anonymously, like the rest.</summary>
    public static void MapFile(IEndpointRouteBuilder app, string path, string name) => MapContent(app, path, Read(name));

    /// <summary>Content that is not embedded (the portal's theme, read at start), served at a fixed path like the rest.</summary>
    public static void MapContent(IEndpointRouteBuilder app, string path, byte[] bytes, string contentType) =>
        MapContent(app, path, new Asset(bytes, contentType));

    private static void MapContent(IEndpointRouteBuilder app, string path, Asset asset) =>
        app.MapGet(path, (HttpContext context) => Serve(asset, context)).AllowAnonymous().ExcludeFromDescription();

    private static Asset Read(string name)
    {
        using var stream = typeof(EmbeddedAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"Asset '{ResourcePrefix}{name}' is not embedded.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var contentType = ContentTypes.GetValueOrDefault(Path.GetExtension(name))
            ?? throw new InvalidOperationException($"Asset '{name}' has no known content type.");
        return new Asset(buffer.ToArray(), contentType);
    }

    private static FileContentHttpResult Serve(Asset asset, HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(asset.Bytes, asset.ContentType);
    }

    private sealed record Asset(byte[] Bytes, string ContentType);
}
