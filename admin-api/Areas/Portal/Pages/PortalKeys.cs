using ApiGateway.Keys.Format;
using ApiGateway.Keys.Portal;

namespace ApiGateway.AdminApi.Portal.Pages;

/// <summary>
/// The keys a session may see and touch: those whose workspace and owner are the session's. Both are fixed when a key is
/// minted (no update changes them), so a key that belongs to the session when read still does when it is revoked.
/// </summary>
internal sealed class PortalKeys(IKeyStore keys, IUsageStore usage, TimeProvider time)
{
    /// <summary>The most keys one page load shows (an owner holds at most Keys:MaxActivePerOwner active ones).</summary>
    public const int MaxRows = 200;

    public async Task<IReadOnlyList<PortalKeyRow>> ListAsync(PortalSession session, CancellationToken cancellationToken)
    {
        var page = await keys.ListAsync(new KeyQuery(session.WorkspaceId, session.Owner, null, MaxRows, 0), cancellationToken);
        var now = time.GetUtcNow();
        var mine = page.Items.Where(k => Belongs(k, session)).ToList();
        var counts = await usage.GetUsageAsync([.. mine.Select(k => k.Id)], now, cancellationToken);
        return [.. mine.Select(k => new PortalKeyRow(k, k.StatusAt(now), counts.TryGetValue(k.Id, out var u) ? u : KeyUsage.None))];
    }

    /// <summary>The key when it is the session's; null for any other id, whoever's it is (a forged id learns nothing).</summary>
    public async Task<ApiKey?> FindAsync(PortalSession session, string? id, CancellationToken cancellationToken)
    {
        if (!Ids.LooksLike(id, "key"))
        {
            return null;
        }
        var key = await keys.GetAsync(id!, cancellationToken);
        return key is not null && Belongs(key, session) ? key : null;
    }

    public KeyStatus StatusOf(ApiKey key) => key.StatusAt(time.GetUtcNow());

    private static bool Belongs(ApiKey key, PortalSession session) =>
        string.Equals(key.WorkspaceId, session.WorkspaceId, StringComparison.Ordinal)
        && string.Equals(key.Owner, session.Owner, StringComparison.Ordinal);
}
