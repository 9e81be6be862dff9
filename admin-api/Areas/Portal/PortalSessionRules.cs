using System.Net;
using ApiGateway.Keys.Scopes;

namespace ApiGateway.AdminApi.Portal;

/// <summary>The rule for each field of <c>POST /v1/portal-sessions</c> (docs/portal.md); every failure is collected under its field.</summary>
internal static class PortalSessionRules
{
    public const int DefaultTtlSeconds = 300;
    public const int MaxTtlSeconds = 3600;
    public const int MaxDisplayNameLength = 100;
    public const int MaxReturnUrlLength = 2000;

    public sealed record Valid(string WorkspaceId, string Owner, string? DisplayName, IReadOnlyList<string> AllowedScopes, int TtlSeconds, string? ReturnUrl);

    public static Valid? Validate(CreatePortalSessionRequest request, ScopeCatalogue catalogue, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        var workspaceId = KeyFieldRules.WorkspaceId(request.WorkspaceId, errors);
        if (request.Owner is null)
        {
            errors.Add("owner", "owner is required: the signed-in user's id, the owner of every key minted in the session.");
        }
        var owner = KeyFieldRules.HeaderValue("owner", request.Owner, KeyFieldRules.MaxOwnerLength, errors);
        var displayName = KeyFieldRules.Text("displayName", request.DisplayName, MaxDisplayNameLength, required: false, errors);
        var scopes = KeyFieldRules.Scopes(request.AllowedScopes, catalogue, errors, "allowedScopes");
        var ttl = request.TtlSeconds ?? DefaultTtlSeconds;
        if (ttl is < 1 or > MaxTtlSeconds)
        {
            errors.Add("ttlSeconds", $"ttlSeconds must be 1-{MaxTtlSeconds}.");
        }
        if (request.ReturnUrl is { } returnUrl && !IsReturnUrl(returnUrl))
        {
            errors.Add("returnUrl", $"returnUrl must be an absolute https URL (or http to a loopback host) of at most {MaxReturnUrlLength} characters, without user info.");
        }
        return errors.IsEmpty ? new Valid(workspaceId!, owner!, displayName, scopes, ttl, request.ReturnUrl) : null;
    }

    /// <summary>https anywhere; plain http only to this machine (a SaaS developing locally).</summary>
    public static bool IsReturnUrl(string value) =>
        value.Length <= MaxReturnUrlLength
        && Uri.TryCreate(value, UriKind.Absolute, out var url)
        && string.IsNullOrEmpty(url.UserInfo)
        && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && IsLoopback(url)));

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.IdnHost, out var address) && IPAddress.IsLoopback(address));
}
