using ApiGateway.Keys.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>A workspace's usage over the last 30 days (every key created in it), drawn as a chart (<see cref="UsageChart"/>).</summary>
internal sealed class WorkspaceUsageModel(IUsageStore usage, TimeProvider time) : PageModel
{
    public string WorkspaceId { get; private set; } = "";

    public UsageChart Chart { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (!Validation.KeyFieldRules.IsWorkspaceId(workspaceId))
        {
            return NotFound();
        }
        WorkspaceId = workspaceId;
        Chart = await UsageChart.LoadAsync(usage, time.GetUtcNow(), keyId: null, workspaceId, cancellationToken);
        return Page();
    }
}
