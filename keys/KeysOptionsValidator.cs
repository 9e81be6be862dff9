using ApiGateway.Keys.Format;
using Microsoft.Extensions.Options;

namespace ApiGateway.Keys;

/// <summary>Checks the <c>Keys</c> section at start, reporting every problem, each naming its setting.</summary>
public sealed class KeysOptionsValidator : IValidateOptions<KeysOptions>
{
    public ValidateOptionsResult Validate(string? name, KeysOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!KeyFormat.IsValidProductPrefix(options.Prefix))
        {
            failures.Add("Keys:Prefix must be 1-20 characters of a-z and 0-9.");
        }
        if (ImportedKeyPattern.Check(options.ImportedKeyPattern) is { } error)
        {
            failures.Add($"Keys:ImportedKeyPattern is not a valid .NET regular expression: {error}");
        }
        if (options.MaxActivePerOwner is < 1 or > 100_000)
        {
            failures.Add($"Keys:MaxActivePerOwner must be between 1 and 100000 (was {options.MaxActivePerOwner}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
