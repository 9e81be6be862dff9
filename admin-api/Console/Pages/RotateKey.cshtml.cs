using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Mvc;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// Rotates through <see cref="KeyMutationService"/> (same <c>key.rotated</c> event as the API) and shows the successor's plaintext
/// in this response only. A resubmitted form cannot mint twice: a rotated key is no longer rotatable.
/// </summary>
internal sealed class RotateKeyModel(IKeyStore keys, KeyMutationService mutations, TimeProvider time) : KeyActionModel(keys, time)
{
    /// <summary>The longest grace period the console offers (30 days).</summary>
    public const int MaxGraceSeconds = 30 * 24 * 3600;

    public NewSecret? Rotated { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string id, int graceSeconds, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        if (graceSeconds is < 0 or > MaxGraceSeconds)
        {
            Error = "Choose a grace period from the list.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var result = await mutations.RotateAsync(id, TimeSpan.FromSeconds(graceSeconds), null, ConsoleSession.Actor(HttpContext), cancellationToken);
        switch (result.Status)
        {
            case RotateKeyStatus.Rotated:
                var note = graceSeconds == 0
                    ? $"The old key ({Key.Prefix}) is revoked."
                    : $"The old key ({Key.Prefix}) keeps working until {ConsoleFormat.Time(Time.GetUtcNow().AddSeconds(graceSeconds))}.";
                Rotated = new NewSecret("Key rotated", result.Successor!.Key, result.Successor.Plaintext, note);
                return Page();
            case RotateKeyStatus.NotFound:
                return NotFound();
            case RotateKeyStatus.OwnerLimitReached:
                // A grace period keeps the old key active beside its successor, which the owner's cap has no room for.
                Error = $"{Key.Owner} already holds the most active keys allowed: rotate without a grace period, or revoke another key first.";
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                Notice = $"“{ConsoleFormat.Isolate(Key.Name)}” ({Key.Prefix}) was not rotated: it is revoked, expired or already rotated.";
                return Redirect(ConsoleExtensions.BasePath);
        }
    }
}
