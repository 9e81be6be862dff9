using ApiGateway.Gateway.Metrics;

namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// Where a shadow difference goes: <c>gateway_shadow_decisions_total{route, outcome}</c> (docs/metrics.md) and the
/// per-key report the admin API lists (<see cref="ShadowReport"/>).
/// </summary>
internal sealed class ShadowDecisionRecorder(GatewayMetrics metrics, ShadowReport report)
{
    /// <param name="route">The live route id (a bounded label: the live file's routes).</param>
    /// <param name="keyId">The public id of the key the request authenticated with (the report's, never a label).</param>
    /// <param name="outcome">How the candidate would decide.</param>
    public void Record(string route, string keyId, ShadowOutcome outcome)
    {
        metrics.ShadowDecision(route, outcome);
        report.Record(route, keyId, outcome);
    }
}
