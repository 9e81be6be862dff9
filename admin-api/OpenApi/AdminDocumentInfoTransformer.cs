using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ApiGateway.AdminApi.OpenApi;

/// <summary>Title, description and tag texts; server URLs without the trailing slash ASP.NET Core writes (paths begin with one).</summary>
internal sealed class AdminDocumentInfoTransformer : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Keys"] = "API keys: mint, list, change, rotate and revoke.",
        ["Audit"] = "Who changed what, newest first. Never contains a secret.",
        ["Admin credentials"] = "Credentials for this API; only owners manage them.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "API key gateway admin API";
        document.Info.Description = "Key management for the API key gateway. Errors are RFC 9457 application/problem+json.";
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }
        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }
        return Task.CompletedTask;
    }
}
