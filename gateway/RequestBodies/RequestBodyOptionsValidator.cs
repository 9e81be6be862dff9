using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.RequestBodies;

/// <summary>Checks <see cref="RequestBodyOptions"/> at start.</summary>
internal sealed class RequestBodyOptionsValidator : IValidateOptions<RequestBodyOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestBodyOptions options) =>
        options.MaxRequestBodySize < 1
            ? ValidateOptionsResult.Fail($"Gateway:MaxRequestBodySize must be at least 1 byte, not {options.MaxRequestBodySize}; a route lifts it with its own MaxRequestBodySize (-1: no limit).")
            : ValidateOptionsResult.Success;
}
