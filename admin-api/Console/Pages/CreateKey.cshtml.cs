using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>
/// Mints a key through <see cref="KeyMutationService"/> with the signed-in credential as the audit actor. The plaintext is
/// rendered in this POST's response only (no redirect can carry it without putting it in a URL or cookie).
/// </summary>
internal sealed class CreateKeyModel(KeyMutationService mutations, KeyRequestValidator validator, ConsoleCatalogue catalogue, ConsoleSubmissions submissions) : PageModel
{
    public const int MaxExpiryDays = KeyFieldRules.MaxExpiresInDays;

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
        var result = await mutations.CreateAsync(spec!, ConsoleSession.Actor(HttpContext), cancellationToken);
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

    /// <summary>The API's own rules (<see cref="KeyRequestValidator"/>), so a key the console mints is one the API would mint.</summary>
    private Dictionary<string, string> Validate(out KeySpec? spec)
    {
        var request = new CreateKeyRequest
        {
            Name = Input.Name?.Trim(),
            WorkspaceId = Input.Workspace?.Trim(),
            Owner = string.IsNullOrWhiteSpace(Input.Owner) ? null : Input.Owner.Trim(),
            Scopes = [.. Input.Scopes.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal)],
            Mode = Input.Mode,
            ExpiresInDays = Input.ExpiresInDays,
            Tier = string.IsNullOrWhiteSpace(Input.Tier) ? null : Input.Tier.Trim(),
        };
        var errors = new ValidationErrors();
        spec = validator.Validate(request, errors);
        var byField = errors.ToForm(FormField);
        if (request.Scopes.Count == 0)
        {
            byField["Scopes"] = "Pick at least one scope."; // the form's words for the API's "scopes is required"
        }
        return byField;
    }

    private static string FormField(string apiField) => apiField switch
    {
        "workspaceId" => "Workspace",
        "expiresInDays" or "expiresAt" => "ExpiresInDays",
        _ => char.ToUpperInvariant(apiField[0]) + apiField[1..],
    };
}
