using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.IdentityToken;

/// <summary>Reports every problem of the <c>Gateway:IdentityToken</c> section at once, at start, signing key files included.</summary>
internal sealed class IdentityTokenOptionsValidator : IValidateOptions<IdentityTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityTokenOptions options)
    {
        var failures = new List<string>();
        if (options.LifetimeSeconds is < 1 or > IdentityTokenOptions.MaxLifetimeSeconds)
        {
            failures.Add($"Gateway:IdentityToken:LifetimeSeconds must be 1-{IdentityTokenOptions.MaxLifetimeSeconds}, not {options.LifetimeSeconds}.");
        }
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Gateway:IdentityToken:Issuer must not be empty.");
        }
        if (options.Enabled)
        {
            foreach (var path in options.SigningKeyFiles)
            {
                try
                {
                    SigningKeyFile.Read(path);
                }
                catch (InvalidDataException ex)
                {
                    failures.Add($"Gateway:IdentityToken:SigningKeyFiles: {ex.Message}");
                }
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
