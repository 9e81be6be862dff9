using System.Diagnostics;

namespace ApiGateway.AdminApi.Tracing;

/// <summary>
/// The admin API's server spans name the operation (the endpoint name, <c>CreateKey</c>, <c>RotateKey</c>…) and the key
/// it acted on: the <c>{id}</c> of the path, or for a mint the new id from <c>Location</c> (docs/tracing.md). Ids only:
/// bodies, credentials and hashes never become attributes.
/// </summary>
internal static class AdminSpanTags
{
    public const string Operation = "admin.operation";
    public const string KeyId = "api_key.id";
    public const string AdminKeyId = "admin_key.id";

    private const string KeysPath = "/v1/keys/";

    public static void Enrich(Activity activity, HttpResponse response)
    {
        var context = response.HttpContext;
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is not { } operation)
        {
            return;
        }
        activity.SetTag(Operation, operation);
        activity.DisplayName = $"{context.Request.Method} {operation}";
        var id = context.Request.RouteValues.TryGetValue("id", out var value) ? value as string : null;
        if (id is null && response.StatusCode == StatusCodes.Status201Created
            && response.Headers.Location.ToString() is { } location && location.StartsWith(KeysPath, StringComparison.Ordinal))
        {
            id = location[KeysPath.Length..];
        }
        if (id is not null)
        {
            activity.SetTag(context.Request.Path.StartsWithSegments("/v1/admin-keys", StringComparison.Ordinal) ? AdminKeyId : KeyId, id);
        }
    }
}
