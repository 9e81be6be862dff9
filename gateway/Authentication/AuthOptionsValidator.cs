using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>Source-generated validation of <see cref="AuthOptions"/>: every failure is reported at start.</summary>
[OptionsValidator]
internal sealed partial class AuthOptionsValidator : IValidateOptions<AuthOptions>;
