using ApiGateway.Gateway.Proxy;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Benchmarks.Proxy;

/// <summary>
/// What the circuit breaker costs a forward while closed (issue 16): the breaker lookup and state read before the
/// forward, and the report of a good start after it (a Polly pipeline run over a known outcome).
/// </summary>
[MemoryDiagnoser]
public class CircuitBreakerBenchmarks
{
    private readonly UpstreamCircuitBreakers _breakers = new(TimeProvider.System, NullLogger<UpstreamCircuitBreakers>.Instance);

    [Benchmark]
    public bool Admit_Closed() => _breakers.For("upstream").IsClosed;

    [Benchmark]
    public void Report_Healthy() => _breakers.For("upstream").Report(true);
}
