using ApiGateway.AdminApi.Endpoints;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// "Shadow routes": per live route, the keys the gateways' shadow routes file would refuse or newly allow over the
/// last 24 hours (or the last <see cref="Hours"/>), the same report as <c>GET /v1/shadow-decisions</c>.
/// </summary>
internal sealed class ShadowDecisionsModel(IShadowDecisionStore store, TimeProvider time) : PageModel
{
    /// <summary>How many hours back; absent, out of 1-720 or unparsable: 24.</summary>
    [BindProperty(SupportsGet = true, Name = "hours")]
    public int? Hours { get; set; }

    public DateTimeOffset Since { get; private set; }

    public IReadOnlyList<IGrouping<(string Route, string Outcome), ShadowDecisionSummary>> Routes { get; private set; } = [];

    public bool Truncated { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Hours = Hours is >= 1 and <= 720 ? Hours : 24;
        Since = time.GetUtcNow().AddHours(-Hours.Value);
        var rows = await store.ListAsync(new ShadowDecisionQuery(null, null, Since, ShadowDecisionsEndpoints.MaxRows + 1), cancellationToken);
        Truncated = rows.Count > ShadowDecisionsEndpoints.MaxRows;
        Routes = [.. rows.Take(ShadowDecisionsEndpoints.MaxRows).GroupBy(r => (r.Route, r.Outcome))];
    }
}
