using ApiGateway.Keys.Portal;

namespace ApiGateway.AdminApi.Portal;

/// <summary>The portal session behind the current request, as re-read by <see cref="PortalAuthentication"/>.</summary>
internal static class PortalContext
{
    private static readonly object ItemKey = new();

    public static void Set(HttpContext context, PortalSession session) => context.Items[ItemKey] = session;

    /// <summary>The session, or null on a page outside the portal policy (the start page).</summary>
    public static PortalSession? Find(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) ? value as PortalSession : null;

    /// <summary>The session; pages behind the portal policy always have one.</summary>
    public static PortalSession Session(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is PortalSession session
            ? session
            : throw new InvalidOperationException("No portal session on this request.");
}
