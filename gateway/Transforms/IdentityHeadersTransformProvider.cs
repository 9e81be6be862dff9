using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Scopes;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace ApiGateway.Gateway.Transforms;

/// <summary>
/// On every route: removes client-sent copies of the identity headers (any case, every repeat), the client's
/// <c>Authorization</c> and the method-override headers; then, on key-protected routes, sets the identity of the
/// verified key: workspace (configured header), key id, mode and owner (only when the key has one).
/// </summary>
internal sealed class IdentityHeadersTransformProvider(IOptions<GatewayOptions> options) : ITransformProvider
{
    public const string KeyIdHeader = "X-Api-Key-Id";
    public const string KeyModeHeader = "X-Api-Key-Mode";
    public const string KeyOwnerHeader = "X-Api-Key-Owner";

    private readonly string _workspaceHeader = options.Value.WorkspaceHeader;

    public IReadOnlyList<string> StrippedHeaders =>
    [
        _workspaceHeader, KeyIdHeader, KeyModeHeader, KeyOwnerHeader, "Authorization",
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
    ];

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stripped = StrippedHeaders.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        // Parsed once per route build; validation has already refused bad metadata.
        var isPublic = RouteScopePolicy.Parse(context.Route.Metadata, out _).IsPublic;
        var workspaceHeader = _workspaceHeader;
        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            foreach (var name in stripped)
            {
                headers.Remove(name);
            }
            if (!isPublic && transform.HttpContext.Features.Get<ApiKeyRequestFeature>() is { Key: { } key } feature)
            {
                headers.TryAddWithoutValidation(workspaceHeader, feature.WorkspaceId ?? key.WorkspaceId);
                headers.TryAddWithoutValidation(KeyIdHeader, key.Id);
                headers.TryAddWithoutValidation(KeyModeHeader, key.Mode.ToWire());
                if (!string.IsNullOrEmpty(key.Owner))
                {
                    headers.TryAddWithoutValidation(KeyOwnerHeader, key.Owner);
                }
            }
            return ValueTask.CompletedTask;
        });
    }
}
