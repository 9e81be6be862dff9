using ApiGateway.Gateway.Metrics;

namespace ApiGateway.Gateway.Shadow;

/// <summary>Where a shadow difference goes: <c>gateway_shadow_decisions_total{route, outcome}</c> (docs/metrics.md).</summary>
internal sealed class ShadowDecisionRecorder(GatewayMetrics metrics)
{
    /// <param name="route">The live route id (a bounded label: the live file's routes).</param>
    /// <param name="outcome">How the candidate would decide.</param>
    public void Record(string route, ShadowOutcome outcome) => metrics.ShadowDecision(route, outcome);
}
