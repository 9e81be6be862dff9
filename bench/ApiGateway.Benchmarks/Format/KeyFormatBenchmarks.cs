using ApiGateway.Keys.Format;
using BenchmarkDotNet.Attributes;

namespace ApiGateway.Benchmarks.Format;

/// <summary>Shape + product prefix + mode + CRC-32 checksum: the first thing every request pays.</summary>
[MemoryDiagnoser]
public class KeyFormatBenchmarks
{
    private string _valid = "";
    private string _badChecksum = "";

    [GlobalSetup]
    public void Setup()
    {
        _valid = BenchKeys.Mint(1)[0];
        _badChecksum = _valid[..^1] + (_valid[^1] == 'A' ? 'B' : 'A');
    }

    [Benchmark(Baseline = true)]
    public bool TryParse_Valid() => BenchKeys.Format.TryParse(_valid, out _);

    [Benchmark]
    public bool TryParse_BadChecksum() => BenchKeys.Format.TryParse(_badChecksum, out _);
}
