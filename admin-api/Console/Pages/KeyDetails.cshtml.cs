using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Mvc;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// One key: every field, its usage, a leak report if any, and the actions its status allows. Disable and enable go through
/// <see cref="KeyMutationService.UpdateAsync"/> exactly like <c>PATCH /v1/keys/{id}</c> with <c>enabled</c>, with the signed-in
/// credential as actor: the same <c>key.disabled</c>/<c>key.enabled</c> events and the same change-feed row.
/// </summary>
internal sealed class KeyDetailsModel(IKeyStore keys, IUsageStore usage, KeyMutationService mutations, TimeProvider time) : KeyActionModel(keys, time)
{
    /// <summary>The value of the <c>back</c> form field that returns to this page after an action (anything else: the keys list).</summary>
    public const string BackToKey = "key";

    public KeyUsage Usage { get; private set; } = KeyUsage.None;

    /// <summary>The last 30 days drawn (<see cref="UsageChart"/>): the same daily numbers as <c>GET /v1/usage?keyId=</c>.</summary>
    public UsageChart Chart { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        var counts = await usage.GetUsageAsync([Key.Id], Time.GetUtcNow(), cancellationToken);
        Usage = counts.TryGetValue(Key.Id, out var found) ? found : KeyUsage.None;
        Chart = await UsageChart.LoadAsync(usage, Time.GetUtcNow(), Key.Id, workspaceId: null, cancellationToken);
        return Page();
    }

    /// <summary>What a leak report left of the key (a flagged key keeps working until someone acts).</summary>
    public string LeakOutcome => Status switch
    {
        KeyStatus.Revoked => "The key is revoked.",
        KeyStatus.Expired => "The key has expired.",
        KeyStatus.Disabled => "The key was only flagged; it is disabled now, but not revoked: revoke it.",
        _ => "The key was only flagged and still works: rotate or revoke it.",
    };

    /// <summary>The key's own rate limit and quotas in words; "none" when the tier's apply.</summary>
    public static string LimitsText(ApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = new List<string>();
        if (key.RateLimit is { } limit)
        {
            parts.Add($"{ConsoleFormat.Count(limit.Limit)} requests per {ConsoleFormat.Count(limit.PeriodSeconds)} s");
        }
        if (key.Quota?.Daily is { } daily)
        {
            parts.Add($"{ConsoleFormat.Count(daily)} a day");
        }
        if (key.Quota?.Monthly is { } monthly)
        {
            parts.Add($"{ConsoleFormat.Count(monthly)} a month");
        }
        return parts.Count == 0 ? "none (the tier's apply)" : string.Join(", ", parts);
    }

    public Task<IActionResult> OnPostDisableAsync(string id, string? back, CancellationToken cancellationToken) =>
        SetEnabledAsync(id, enabled: false, back, cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(string id, string? back, CancellationToken cancellationToken) =>
        SetEnabledAsync(id, enabled: true, back, cancellationToken);

    private async Task<IActionResult> SetEnabledAsync(string id, bool enabled, string? back, CancellationToken cancellationToken)
    {
        var update = new KeyUpdate { Enabled = new PatchField<bool>(true, enabled) };
        var outcome = await mutations.UpdateAsync(id, update, ConsoleSession.Actor(HttpContext), cancellationToken);
        if (outcome.Status == UpdateKeyStatus.NotFound)
        {
            return NotFound();
        }
        var key = outcome.Key!;
        var named = $"“{ConsoleFormat.Isolate(key.Name)}” ({key.Prefix})";
        Notice = outcome.Status != UpdateKeyStatus.Updated
            ? $"{named} was not {(enabled ? "enabled" : "disabled")}: it is {key.StatusAt(Time.GetUtcNow()).ToWire()}."
            : enabled
                ? $"Enabled {named}. Requests with it work again."
                : $"Disabled {named}. Requests with it are refused until it is enabled again.";
        // A fixed choice of two local pages, never a URL from the form.
        return Redirect(back == BackToKey ? $"{ConsoleExtensions.BasePath}/keys/{key.Id}" : ConsoleExtensions.BasePath);
    }
}
