using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>The keys table: live keys first, revoked and expired ones in their own section, filtered on the server.</summary>
internal sealed class KeysModel(IKeyStore keys, IUsageStore usage, ConsoleCatalogue catalogue, TimeProvider time) : PageModel
{
    /// <summary>The most rows one page load reads; the page says so when a filter would show more.</summary>
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

    public KeyTableView LiveTable => new(Live, Actions: true, "Active keys");

    public KeyTableView EndedTable => new(Ended, Actions: false, "Revoked and expired keys");

    public bool Truncated { get; private set; }

    public bool Filtered => !string.IsNullOrEmpty(Workspace) || !string.IsNullOrEmpty(Owner) || !string.IsNullOrEmpty(Status) || !string.IsNullOrEmpty(Search);

    public CreateKeyForm CreateForm { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Workspace = Clean(Workspace);
        Owner = Clean(Owner);
        Search = Clean(Search);
        if (Search is { Length: > Keys.Format.KeyFormat.VisiblePrefixLength } && Search.Contains("_live_", StringComparison.Ordinal) | Search.Contains("_test_", StringComparison.Ordinal))
        {
            Search = Keys.Format.KeyFormat.VisiblePrefix(Search); // a pasted whole key: search by what the list shows
        }
        KeyStatus? status = KeyStatusNames.TryParse(Status, out var parsed) ? parsed : null;
        Status = status?.ToWire();

        var page = await keys.ListAsync(new KeyQuery(Workspace, Owner, status, MaxRows, 0), cancellationToken);
        Truncated = page.Total > page.Items.Count;
        var matching = page.Items.Where(Matches).ToList();
        var now = time.GetUtcNow();
        var counts = await usage.GetUsageAsync([.. matching.Select(k => k.Id)], now, cancellationToken);
        var rows = matching
            .Select(k => new KeyRowView(k, k.StatusAt(now), counts.TryGetValue(k.Id, out var u) ? u : KeyUsage.None))
            .ToList();
        Live = [.. rows.Where(r => r.Status == KeyStatus.Active)];
        Ended = [.. rows.Where(r => r.Status != KeyStatus.Active)];
        CreateForm = CreateKeyForm.Blank(catalogue, ConsoleSubmissions.NewId());
    }

    private bool Matches(ApiKey key) =>
        Search is null
        || key.Name.Contains(Search, StringComparison.OrdinalIgnoreCase)
        || key.Prefix.Contains(Search, StringComparison.Ordinal)
        || key.Id.Equals(Search, StringComparison.Ordinal);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
