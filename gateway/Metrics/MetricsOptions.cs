using System.ComponentModel.DataAnnotations;

namespace ApiGateway.Gateway.Metrics;

/// <summary>The <c>Metrics</c> section (docs/metrics.md, docs/gateway.md "Ports and settings").</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Distinct <c>key_id</c> label values before further keys are counted under <c>other</c>.</summary>
    [Range(1, 100_000)]
    public int MaxKeyLabels { get; set; } = 1000;
}
