using Microsoft.Extensions.Options;

namespace ApiGateway.Keys.Routes;

public sealed class RoutesFileOptionsValidator : IValidateOptions<RoutesFileOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutesFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.RoutesFile)
            ? ValidateOptionsResult.Fail("Gateway:RoutesFile must name the routes file.")
            : ValidateOptionsResult.Success;
    }
}
