using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Metrics;

/// <summary>Source-generated validation of <see cref="MetricsOptions"/>: every failure is reported at start.</summary>
[OptionsValidator]
internal sealed partial class MetricsOptionsValidator : IValidateOptions<MetricsOptions>;
