namespace ApiGateway.AdminApi.Authentication;

/// <summary>Source-generated validation of <see cref="SignInThrottleOptions"/>: every failure is reported at start.</summary>
[OptionsValidator]
internal sealed partial class SignInThrottleOptionsValidator : IValidateOptions<SignInThrottleOptions>;
