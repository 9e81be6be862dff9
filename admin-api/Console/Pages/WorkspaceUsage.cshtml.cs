using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// A workspace: its pooled limits (docs/admin-api.md "Workspace limits"), editable with the API's own rules through
/// <see cref="WorkspaceLimitsService"/> (audited, at every gateway within 1 s), and its usage over the last 30 days
/// (every key created in it), drawn as a chart (<see cref="UsageChart"/>).
/// </summary>
internal sealed class WorkspaceUsageModel(
    IUsageStore usage, IWorkspaceLimitsStore limitsStore, WorkspaceLimitsService limitsService, KeyRequestValidator validator,
    ConsoleCatalogue catalogue, TimeProvider time) : PageModel
{
    [BindProperty]
    public WorkspaceLimitsInput Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public string WorkspaceId { get; private set; } = "";

    public WorkspaceLimits? Limits { get; private set; }

    public IReadOnlyList<string> Tiers => catalogue.Tiers();

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public UsageChart Chart { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (!KeyFieldRules.IsWorkspaceId(workspaceId))
        {
            return NotFound();
        }
        await LoadAsync(workspaceId, cancellationToken);
        Input = WorkspaceLimitsInput.From(Limits);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (!KeyFieldRules.IsWorkspaceId(workspaceId))
        {
            return NotFound();
        }
        var errors = new ValidationErrors();
        // A number the form could not read ("abc", "1e3") must not quietly become "not set".
        foreach (var (name, entry) in ModelState)
        {
            if (entry.Errors.Count > 0 && WorkspaceLimitsInput.FieldOf(name) is { } field)
            {
                errors.Add(field, $"{field} must be a whole number.");
            }
        }
        var spec = validator.Validate(Input.ToRequest(), errors);
        if (spec is null || !errors.IsEmpty)
        {
            Errors = errors.ToForm(field => field);
            await LoadAsync(workspaceId, cancellationToken);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await limitsService.SetAsync(workspaceId, spec, ConsoleSession.Actor(HttpContext), cancellationToken);
        Notice = "Workspace limits saved; every gateway applies them within a second.";
        return Redirect(PathFor(workspaceId));
    }

    public async Task<IActionResult> OnPostRemoveAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (!KeyFieldRules.IsWorkspaceId(workspaceId))
        {
            return NotFound();
        }
        var removed = await limitsService.RemoveAsync(workspaceId, ConsoleSession.Actor(HttpContext), cancellationToken);
        Notice = removed ? "Workspace limits removed: only each key's own limits apply." : "This workspace had no limits of its own.";
        return Redirect(PathFor(workspaceId));
    }

    public string? Error(string field) => Errors.GetValueOrDefault(field);

    public static string PathFor(string workspaceId) => $"/console/workspaces/{Uri.EscapeDataString(workspaceId)}/usage";

    private async Task LoadAsync(string workspaceId, CancellationToken cancellationToken)
    {
        WorkspaceId = workspaceId;
        Limits = await limitsStore.GetAsync(workspaceId, cancellationToken);
        Chart = await UsageChart.LoadAsync(usage, time.GetUtcNow(), keyId: null, workspaceId, cancellationToken);
    }
}

/// <summary>The limits form's fields: empty means "not set", as null does in <c>PUT /v1/workspaces/{id}/limits</c>.</summary>
internal sealed class WorkspaceLimitsInput
{
    public string? Tier { get; set; }

    public int? Limit { get; set; }

    public int? PeriodSeconds { get; set; }

    public long? Daily { get; set; }

    public long? Monthly { get; set; }

    public static WorkspaceLimitsInput From(WorkspaceLimits? limits) => new()
    {
        Tier = limits?.Tier,
        Limit = limits?.RateLimit?.Limit,
        PeriodSeconds = limits?.RateLimit?.PeriodSeconds,
        Daily = limits?.Quota?.Daily,
        Monthly = limits?.Quota?.Monthly,
    };

    /// <summary>The API's name for a form field (<c>Input.Limit</c> → <c>rateLimit.limit</c>), as its 400s name it.</summary>
    public static string? FieldOf(string formName) => formName switch
    {
        "Input.Limit" => "rateLimit.limit",
        "Input.PeriodSeconds" => "rateLimit.periodSeconds",
        "Input.Daily" => "quota.daily",
        "Input.Monthly" => "quota.monthly",
        "Input.Tier" => "tier",
        _ => null,
    };

    public WorkspaceLimitsRequest ToRequest() => new()
    {
        Tier = string.IsNullOrWhiteSpace(Tier) ? null : Tier.Trim(),
        RateLimit = Limit is null && PeriodSeconds is null ? null : new RateLimitRequest(Limit, PeriodSeconds),
        Quota = Daily is null && Monthly is null ? null : new QuotaRequest(Daily, Monthly),
    };
}
