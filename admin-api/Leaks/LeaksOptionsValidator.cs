namespace ApiGateway.AdminApi.Leaks;

/// <summary>Refuses at start an unknown <c>Leaks:Action</c> (a blank <c>Leaks:GitHubPublicKeysFile</c> means unset, as an empty variable does).</summary>
internal sealed class LeaksOptionsValidator : IValidateOptions<LeaksOptions>
{
    public ValidateOptionsResult Validate(string? name, LeaksOptions options)
    {
        var errors = new List<string>();
        if (options.Action is not (LeakActions.Revoke or LeakActions.Flag))
        {
            errors.Add($"Leaks:Action must be '{LeakActions.Revoke}' or '{LeakActions.Flag}'.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
