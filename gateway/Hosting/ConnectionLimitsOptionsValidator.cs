using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Hosting;

/// <summary>Reports every problem of the connection limits at once, at start.</summary>
internal sealed class ConnectionLimitsOptionsValidator : IValidateOptions<ConnectionLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionLimitsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxConcurrentConnections is < 1)
        {
            failures.Add($"Gateway:MaxConcurrentConnections must be at least 1 (or unset to derive it from the open-file limit), not {options.MaxConcurrentConnections}.");
        }
        if (options.MaxConcurrentUpgradedConnections is < 0)
        {
            failures.Add($"Gateway:MaxConcurrentUpgradedConnections must be 0 or more (or unset to derive it from the open-file limit), not {options.MaxConcurrentUpgradedConnections}.");
        }
        if (options.RequestHeadersTimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"Gateway:RequestHeadersTimeoutSeconds must be 1-300, not {options.RequestHeadersTimeoutSeconds}.");
        }
        if (!double.IsFinite(options.MinRequestBodyBytesPerSecond) || options.MinRequestBodyBytesPerSecond is < 0 or > 1_000_000_000)
        {
            failures.Add($"Gateway:MinRequestBodyBytesPerSecond must be 0 (off) to 1000000000, not {options.MinRequestBodyBytesPerSecond}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
