using ApiGateway.Gateway.Authentication;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Http;
using ApiGateway.Keys.Scopes;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Benchmarks.Authentication;

/// <summary>
/// The cached verify path a request with a known key takes (issue 7 target: under 1 us and 0 B): Bearer header read,
/// format + checksum, hash, <see cref="KeyCache"/> hit, then the route's scope check; and each step alone.
/// </summary>
[MemoryDiagnoser]
public class VerifyPathBenchmarks
{
    private BenchStore _store = null!;
    private KeyCache _cache = null!;
    private KeyHash _hash;
    private DefaultHttpContext _http = null!;
    private readonly RouteScopePolicy _route = RouteScopePolicy.Parse(new Dictionary<string, string> { ["Resource"] = "bench" }, out _);

    [GlobalSetup]
    public void Setup()
    {
        _store = BenchStore.Create(["bench:read"]);
        var options = Options.Create(new AuthOptions());
        var health = new StoreHealth(TimeProvider.System, options);
        // As the change-feed poller does once it knows the feed position: from then on lookups are cached.
        health.ReportPolled(TimeProvider.System.GetUtcNow().AddDays(1), 0);
        _cache = new KeyCache(_store.Store, health, TimeProvider.System, options, NullLogger<KeyCache>.Instance);
        _hash = BenchKeys.Hasher.Hash(_store.Plaintext);
        if (_cache.LookupAsync(_hash, CancellationToken.None).AsTask().GetAwaiter().GetResult().Status != KeyLookupStatus.Found)
        {
            throw new InvalidOperationException("The benchmark key was not found.");
        }
        _http = new DefaultHttpContext();
        _http.Request.Method = "GET";
        _http.Request.Headers.Authorization = "Bearer " + _store.Plaintext;
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark]
    public bool BearerToken_Read() => BearerToken.TryRead(_http.Request.Headers.Authorization, out _) == BearerToken.Outcome.Token;

    [Benchmark]
    public bool CacheLookup_Hit()
    {
        var lookup = _cache.LookupAsync(_hash, CancellationToken.None);
        return lookup.IsCompletedSuccessfully && lookup.Result.Status == KeyLookupStatus.Found;
    }

    [Benchmark(Baseline = true)]
    public int CachedVerify_ParseHashLookupScope()
    {
        BearerToken.TryRead(_http.Request.Headers.Authorization, out var token);
        if (!BenchKeys.Format.TryParse(token, out _))
        {
            return -1;
        }
        var hash = BenchKeys.Hasher.Hash(token);
        var lookup = _cache.LookupAsync(hash, CancellationToken.None);
        if (!lookup.IsCompletedSuccessfully || lookup.Result.Entry is not { } entry)
        {
            return -2;
        }
        return ScopeGrant.Missing((IReadOnlyCollection<string>)entry.Key.Scopes, _route.RequiredFor(_http.Request.Method)!).Count;
    }
}
