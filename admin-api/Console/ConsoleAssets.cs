using System.Collections.Frozen;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>
/// The console's stylesheet and script, embedded in the assembly so the console works from any working directory
/// (published or not) and needs no CDN. Served under <c>/console/assets/</c>.
/// </summary>
internal static class ConsoleAssets
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["console.css"] = "text/css; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void Map(IEndpointRouteBuilder app)
    {
        var assets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var assembly = typeof(ConsoleAssets).Assembly;
        foreach (var name in ContentTypes.Keys)
        {
            using var stream = assembly.GetManifestResourceStream("console-assets/" + name)
                ?? throw new InvalidOperationException($"Console asset '{name}' is not embedded.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            assets[name] = buffer.ToArray();
        }
        var frozen = assets.ToFrozenDictionary(StringComparer.Ordinal);
        app.MapGet(ConsoleExtensions.BasePath + "/assets/{name}", (string name, HttpContext context) => Serve(frozen, name, context))
            .AllowAnonymous() // the sign-in page needs its stylesheet; nothing here is private
            .ExcludeFromDescription();
    }

    private static Results<FileContentHttpResult, NotFound> Serve(FrozenDictionary<string, byte[]> assets, string name, HttpContext context)
    {
        if (!assets.TryGetValue(name, out var bytes))
        {
            return TypedResults.NotFound();
        }
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(bytes, ContentTypes[name]);
    }
}
