namespace ApiGateway.AdminApi.WebConsole.Pages;

/// <summary>What the create-key form renders: the values so far, the choices, and any errors by field.</summary>
public sealed class CreateKeyForm
{
    public const int SuggestedExpiryDays = 90;

    public required CreateKeyInput Input { get; init; }

    /// <summary>Resource to actions, read and write first (<c>contacts</c> → <c>read</c>, <c>write</c>).</summary>
    public required IReadOnlyList<KeyValuePair<string, string[]>> Resources { get; init; }

    public required IReadOnlyList<string> Tiers { get; init; }

    public string? DefaultTier { get; init; }

    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();

    public string? Error(string field) => Errors.TryGetValue(field, out var message) ? message : null;

    public bool Checked(string scope) => Input.Scopes.Contains(scope, StringComparer.Ordinal);

    internal static CreateKeyForm Blank(ConsoleCatalogue catalogue, string submission) =>
        For(catalogue, new CreateKeyInput { ExpiresInDays = SuggestedExpiryDays, Submission = submission }, new Dictionary<string, string>());

    internal static CreateKeyForm For(ConsoleCatalogue catalogue, CreateKeyInput input, IReadOnlyDictionary<string, string> errors) => new()
    {
        Input = input,
        Resources = [.. catalogue.Scopes().ByResource.Select(r => KeyValuePair.Create(r.Key, r.Value.OrderBy(ActionRank).ThenBy(a => a, StringComparer.Ordinal).ToArray()))],
        Tiers = catalogue.Tiers(),
        DefaultTier = catalogue.DefaultTier(),
        Errors = errors,
    };

    private static int ActionRank(string action) => action switch
    {
        "read" => 0,
        "write" => 1,
        _ => 2,
    };
}
