using ApiGateway.AdminApi.Scopes;
using ApiGateway.AdminApi.WebConsole;
using ApiGateway.AdminApi.WebConsole.Pages;
using ApiGateway.Keys;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ApiGateway.AdminApi.Portal.Pages;

/// <summary>
/// Mints a key for the session's workspace and owner through <see cref="KeyMutationService"/>, with the portal actor.
/// Scopes must come from what the session offers (<see cref="PortalScopes"/>), whatever the form sent; the rest of the
/// request passes the API's own rules (<see cref="KeyRequestValidator"/>). The plaintext is in this response only.
/// </summary>
internal sealed class CreateKeyModel(
    KeyMutationService mutations, KeyRequestValidator validator, ScopeCatalogueSource catalogue, ConsoleSubmissions submissions,
    IOptions<KeysOptions> keysOptions) : PageModel
{
    public const int SuggestedExpiryDays = 90;
    public const int MaxExpiryDays = KeyFieldRules.MaxExpiresInDays;

    [BindProperty]
    public PortalCreateKeyInput Input { get; set; } = new();

    public IReadOnlyList<string> Offered { get; private set; } = [];

    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    public NewSecret? Created { get; private set; }

    public string? Error(string field) => Errors.TryGetValue(field, out var message) ? message : null;

    public bool Checked(string scope) => Input.Scopes.Contains(scope, StringComparer.Ordinal);

    public void OnGet()
    {
        Offered = PortalScopes.Offered(PortalContext.Session(HttpContext).AllowedScopes, catalogue.Current);
        Input = new PortalCreateKeyInput { ExpiresInDays = SuggestedExpiryDays, Submission = ConsoleSubmissions.NewId() };
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var session = PortalContext.Session(HttpContext);
        Offered = PortalScopes.Offered(session.AllowedScopes, catalogue.Current);
        var spec = Validate(session);
        if (spec is null)
        {
            return Again(StatusCodes.Status400BadRequest);
        }
        if (!submissions.TryUse(Input.Submission))
        {
            // Back, then resend: the first post minted the key and showed it; a second key would be a surprise.
            return Redirect(PortalExtensions.BasePath);
        }
        var result = await mutations.CreateAsync(spec, session.Actor, cancellationToken);
        if (result.Status == CreateKeyStatus.OwnerLimitReached)
        {
            Errors["Form"] = $"You already have {keysOptions.Value.MaxActivePerOwner} active keys, the most allowed. Revoke one you no longer use, then create this one.";
            return Again(StatusCodes.Status409Conflict);
        }
        Created = new NewSecret("Key created", result.Issued!.Key, result.Issued.Plaintext, null);
        return Page();
    }

    private PageResult Again(int status)
    {
        Input.Submission = ConsoleSubmissions.NewId();
        Response.StatusCode = status;
        return Page();
    }

    private KeySpec? Validate(PortalSession session)
    {
        var scopes = Input.Scopes.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0)
        {
            Errors["Scopes"] = "Pick at least one scope.";
        }
        else if (scopes.FirstOrDefault(s => !Offered.Contains(s, StringComparer.Ordinal)) is { } refused)
        {
            // Only a forged form gets here: the page offers nothing else.
            Errors["Scopes"] = $"You cannot give a key the scope '{refused}'. Pick from the list.";
        }
        var errors = new ValidationErrors();
        var spec = validator.Validate(new CreateKeyRequest
        {
            Name = Input.Name?.Trim(),
            WorkspaceId = session.WorkspaceId,
            Owner = session.Owner,
            Scopes = [.. scopes],
            Mode = "live",
            ExpiresInDays = Input.ExpiresInDays,
        }, errors);
        foreach (var (field, message) in errors.ToForm(FormField))
        {
            Errors.TryAdd(field, message); // the page's own scope message, when it has one, says it best
        }
        return Errors.Count == 0 ? spec : null;
    }

    private static string FormField(string apiField) => apiField switch
    {
        "name" => "Name",
        "scopes" => "Scopes",
        "expiresInDays" or "expiresAt" => "ExpiresInDays",
        _ => "Form",
    };
}
