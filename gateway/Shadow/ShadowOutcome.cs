namespace ApiGateway.Gateway.Shadow;

/// <summary>How the candidate routes file would decide a request differently from the live one (docs/metrics.md).</summary>
internal enum ShadowOutcome
{
    /// <summary>The live file lets the key through this route; the candidate would refuse it.</summary>
    WouldRefuse,

    /// <summary>The live file refuses the key on this route; the candidate would let it through.</summary>
    WouldAllow,
}

internal static class ShadowOutcomes
{
    public const string WouldRefuse = ApiGateway.Keys.Model.ShadowOutcomeNames.WouldRefuse;
    public const string WouldAllow = ApiGateway.Keys.Model.ShadowOutcomeNames.WouldAllow;

    public static string Name(ShadowOutcome outcome) => outcome == ShadowOutcome.WouldRefuse ? WouldRefuse : WouldAllow;
}
