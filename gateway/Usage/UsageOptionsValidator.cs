using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Usage;

/// <summary>Source-generated validation of <see cref="UsageOptions"/>: every failure is reported at start.</summary>
[OptionsValidator]
internal sealed partial class UsageOptionsValidator : IValidateOptions<UsageOptions>;
