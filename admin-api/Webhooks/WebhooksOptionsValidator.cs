namespace ApiGateway.AdminApi.Webhooks;

/// <summary>Refuses at start every out-of-range <c>Webhooks:*</c> setting, all named at once.</summary>
internal sealed class WebhooksOptionsValidator : IValidateOptions<WebhooksOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhooksOptions options)
    {
        var errors = new List<string>();
        if (options.TimeoutSeconds is < 1 or > 300)
        {
            errors.Add("Webhooks:TimeoutSeconds must be 1-300.");
        }
        if (options.MaxAttemptHours is < 1 or > 24 * 30)
        {
            errors.Add("Webhooks:MaxAttemptHours must be 1-720.");
        }
        if (options.ExpiringDays is < 1 or > 365)
        {
            errors.Add("Webhooks:ExpiringDays must be 1-365.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
