namespace ApiGateway.EndToEnd.Tests.Abuse;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialFaults
{
    /// <summary>Timing-sensitive fault cases run alone, not beside other process-heavy tests on a loaded machine.</summary>
    public const string Name = "Serial faults";
}
