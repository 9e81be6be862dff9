using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace ApiGateway.Benchmarks.Format;

/// <summary>
/// Where the time of <c>KeyHasher.Hash</c> goes: the one-shot <c>SHA256.HashData</c> (a fresh OpenSSL digest context
/// per call) against a reused <see cref="IncrementalHash"/>, for plain SHA-256 and for HMAC with a pepper.
/// </summary>
[MemoryDiagnoser]
public class HashPrimitiveBenchmarks : IDisposable
{
    private readonly byte[] _pepper = Encoding.UTF8.GetBytes("bench-pepper-0123456789");
    private readonly byte[] _digest = new byte[32];
    private byte[] _key = [];
    private IncrementalHash _sha = null!;
    private IncrementalHash _hmac = null!;
    private ThreadLocal<IncrementalHash> _perThread = null!;

    [GlobalSetup]
    public void Setup()
    {
        _key = Encoding.UTF8.GetBytes(BenchKeys.Mint(1)[0]);
        _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _pepper);
        _perThread = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHash(HashAlgorithmName.SHA256));
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _sha?.Dispose();
        _hmac?.Dispose();
        _perThread?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int Sha256_OneShot() => SHA256.HashData(_key, _digest);

    [Benchmark]
    public int Sha256_ReusedIncremental()
    {
        _sha.AppendData(_key);
        return _sha.GetHashAndReset(_digest);
    }

    [Benchmark]
    public int Sha256_ThreadLocalIncremental()
    {
        var sha = _perThread.Value!;
        sha.AppendData(_key);
        return sha.GetHashAndReset(_digest);
    }

    [Benchmark]
    public int Hmac_OneShot() => HMACSHA256.HashData(_pepper, _key, _digest);

    [Benchmark]
    public int Hmac_ReusedIncremental()
    {
        _hmac.AppendData(_key);
        return _hmac.GetHashAndReset(_digest);
    }
}
