using ApiGateway.Gateway.Requests;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Transforms;

/// <summary>
/// The identity of a verified key as headers (workspace in the configured header, key id, mode, owner when the key has
/// one), in one place for the two places that send them: upstream on a proxied request
/// (<see cref="IdentityHeadersTransformProvider"/>) and back to the asking proxy on a forward-auth answer
/// (docs/forward-auth.md). Generic over the target so that neither allocates a closure.
/// </summary>
internal static class IdentityHeaders
{
    public const string KeyIdHeader = "X-Api-Key-Id";
    public const string KeyModeHeader = "X-Api-Key-Mode";
    public const string KeyOwnerHeader = "X-Api-Key-Owner";

    public static void Add<TTarget>(TTarget target, string workspaceHeader, ApiKeyRequestFeature feature, ApiKey key, Action<TTarget, string, string> add)
    {
        // Stored values are sendable as they are, except rows older than the admin API's visible-ASCII rule.
        add(target, workspaceHeader, IdentityHeaderValue.Sendable(feature.WorkspaceId ?? key.WorkspaceId));
        add(target, KeyIdHeader, key.Id);
        add(target, KeyModeHeader, key.Mode.ToWire());
        if (!string.IsNullOrEmpty(key.Owner))
        {
            add(target, KeyOwnerHeader, IdentityHeaderValue.Sendable(key.Owner));
        }
    }
}
