using ApiGateway.Keys.Format;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// The keys table: live keys first (active and disabled: a disabled key is paused, not ended), revoked and expired ones
/// in their own section, filtered on the server.
/// </summary>
internal sealed class KeysModel(IKeyStore keys, IUsageStore usage, ConsoleCatalogue catalogue, TimeProvider time) : PageModel
{
    /// <summary>The most rows one page load shows; the page says so when more keys match (search and filters run in the store).</summary>
    public const int MaxRows = 500;

    [BindProperty(SupportsGet = true)]
    public string? Workspace { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Owner { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [TempData]
    public string? Notice { get; set; }

    public IReadOnlyList<KeyRowView> Live { get; private set; } = [];

    public IReadOnlyList<KeyRowView> Ended { get; private set; } = [];

    public KeyTableView LiveTable => new(Live, Actions: true, LiveTitle);

    /// <summary>Says "disabled" when the section holds disabled keys, so a paused key is never read as active.</summary>
    public string LiveTitle =>
        Status == "disabled" ? "Disabled keys"
        : Live.Any(r => r.Status == KeyStatus.Disabled) ? "Active and disabled keys"
        : "Active keys";

    public KeyTableView EndedTable => new(Ended, Actions: false, "Revoked and expired keys");

    public bool Truncated { get; private set; }

    public bool Filtered => !string.IsNullOrEmpty(Workspace) || !string.IsNullOrEmpty(Owner) || !string.IsNullOrEmpty(Status) || !string.IsNullOrEmpty(Search);

    public CreateKeyForm CreateForm { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Workspace = Clean(Workspace);
        Owner = Clean(Owner);
        Search = Clean(Search);
        if (Search is not null && LooksLikeKeyPrefix(Search))
        {
            Search = KeyFormat.VisiblePrefix(Search); // a pasted whole key: search (and echo back) only what the list shows
        }
        KeyStatus? status = KeyStatusNames.TryParse(Status, out var parsed) ? parsed : null;
        Status = status?.ToWire();

        var matching = await FindAsync(new KeyQuery(Workspace, Owner, status, MaxRows, 0), cancellationToken);
        var now = time.GetUtcNow();
        var counts = await usage.GetUsageAsync([.. matching.Select(k => k.Id)], now, cancellationToken);
        var rows = matching
            .Select(k => new KeyRowView(k, k.StatusAt(now), counts.TryGetValue(k.Id, out var u) ? u : KeyUsage.None))
            .ToList();
        Live = [.. rows.Where(r => r.Status is KeyStatus.Active or KeyStatus.Disabled)];
        Ended = [.. rows.Where(r => r.Status is KeyStatus.Revoked or KeyStatus.Expired)];
        CreateForm = CreateKeyForm.Blank(catalogue, ConsoleSubmissions.NewId());
    }

    /// <summary>
    /// Searches in the store, among every key: a key id finds that key; a pasted key or the start of one
    /// (<c>agw_live_3Xk…</c>) searches by visible prefix (an index range); anything else is part of a name.
    /// </summary>
    private async Task<IReadOnlyList<ApiKey>> FindAsync(KeyQuery filters, CancellationToken cancellationToken)
    {
        if (Search is not null && Ids.LooksLike(Search, "key"))
        {
            return await keys.GetAsync(Search, cancellationToken) is { } byId ? [byId] : [];
        }
        var query = Search switch
        {
            null => filters,
            _ when LooksLikeKeyPrefix(Search) => filters with { PrefixStartsWith = Search },
            _ => filters with { NameContains = Search },
        };
        var page = await keys.ListAsync(query, cancellationToken);
        Truncated = page.Next is not null;
        return page.Items;
    }

    private static bool LooksLikeKeyPrefix(string text) =>
        (text.Contains("_live_", StringComparison.Ordinal) || text.Contains("_test_", StringComparison.Ordinal))
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
