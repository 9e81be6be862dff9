using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// Mints a key through <see cref="KeyIssuer"/> with the signed-in credential as the audit actor. The plaintext is
/// rendered in this POST's response only (no redirect can carry it without putting it in a URL or cookie).
/// </summary>
internal sealed class CreateKeyModel(KeyIssuer issuer, ConsoleCatalogue catalogue, ConsoleSubmissions submissions, TimeProvider time) : PageModel
{
    public const int MaxExpiryDays = 3650;

    [BindProperty]
    public CreateKeyInput Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public CreateKeyForm Form { get; private set; } = null!;

    public NewSecret? Created { get; private set; }

    public void OnGet() => Form = CreateKeyForm.Blank(catalogue, ConsoleSubmissions.NewId());

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var errors = Validate(out var spec);
        if (errors.Count > 0)
        {
            Input.Submission = ConsoleSubmissions.NewId();
            Form = CreateKeyForm.For(catalogue, Input, errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (!submissions.TryUse(Input.Submission))
        {
            Notice = "That form was already submitted, so no second key was created. A key's secret is shown only once.";
            return Redirect(ConsoleExtensions.BasePath);
        }
        var result = await issuer.CreateAsync(spec!, ConsoleSession.Actor(HttpContext), cancellationToken);
        if (result.Status == CreateKeyStatus.OwnerLimitReached)
        {
            Input.Submission = ConsoleSubmissions.NewId();
            Form = CreateKeyForm.For(catalogue, Input, new Dictionary<string, string>
            {
                ["Owner"] = $"{Input.Owner} already holds the maximum number of active keys. Revoke one first.",
            });
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }
        Created = new NewSecret("Key created", result.Issued!.Key, result.Issued.Plaintext, null);
        return Page();
    }

    private Dictionary<string, string> Validate(out KeySpec? spec)
    {
        spec = null;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var name = Input.Name?.Trim() ?? "";
        if (name.Length is < 1 or > 100)
        {
            errors["Name"] = "Enter a name of 1 to 100 characters.";
        }
        var workspace = Input.Workspace?.Trim() ?? "";
        if (workspace.Length is < 1 or > 100)
        {
            errors["Workspace"] = "Enter the workspace id the key acts in (1 to 100 characters).";
        }
        var owner = string.IsNullOrWhiteSpace(Input.Owner) ? null : Input.Owner.Trim();
        if (owner is { Length: > 100 })
        {
            errors["Owner"] = "An owner is at most 100 characters.";
        }
        var scopes = Input.Scopes.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal).ToList();
        var allowed = catalogue.Scopes();
        if (scopes.Count == 0)
        {
            errors["Scopes"] = "Pick at least one scope.";
        }
        else if (scopes.FirstOrDefault(s => !allowed.Allows(s)) is { } unknown)
        {
            errors["Scopes"] = $"“{unknown}” is not a scope of the routes file.";
        }
        if (Input.ExpiresInDays is < 1 or > MaxExpiryDays)
        {
            errors["ExpiresInDays"] = $"Enter 1 to {MaxExpiryDays} days, or leave it empty for no expiry.";
        }
        if (!KeyModeNames.TryParse(Input.Mode, out var mode) || mode == KeyMode.Admin)
        {
            errors["Mode"] = "Choose live or test.";
        }
        var tier = string.IsNullOrWhiteSpace(Input.Tier) ? null : Input.Tier.Trim();
        if (tier is not null && !catalogue.Tiers().Contains(tier, StringComparer.Ordinal))
        {
            errors["Tier"] = "Choose one of the configured tiers.";
        }
        if (errors.Count == 0)
        {
            var expiresAt = Input.ExpiresInDays is { } days ? time.GetUtcNow().AddDays(days) : (DateTimeOffset?)null;
            spec = new KeySpec(name, workspace, scopes, owner, mode, expiresAt, tier, null, null, [], []);
        }
        return errors;
    }
}
