using ApiGateway.Keys.Format;
using BenchmarkDotNet.Attributes;

namespace ApiGateway.Benchmarks.Format;

/// <summary>The digest that keys the cache and the store: SHA-256, or HMAC-SHA-256 when a pepper is configured.</summary>
[MemoryDiagnoser]
public class KeyHasherBenchmarks
{
    private readonly KeyHasher _peppered = new("bench-pepper-0123456789");
    private string _key = "";

    [GlobalSetup]
    public void Setup() => _key = BenchKeys.Mint(1)[0];

    [Benchmark(Baseline = true)]
    public KeyHash Hash_Sha256() => BenchKeys.Hasher.Hash(_key);

    [Benchmark]
    public KeyHash Hash_HmacPepper() => _peppered.Hash(_key);
}
