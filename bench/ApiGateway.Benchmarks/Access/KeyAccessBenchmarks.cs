using ApiGateway.Gateway.Access;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Benchmarks.RateLimiting;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Metrics;
using ApiGateway.Gateway.Scopes;
using ApiGateway.Gateway.Shadow;
using ApiGateway.Gateway.Usage;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Scopes;
using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ApiGateway.Benchmarks.Access;

/// <summary>
/// The whole key access step of a request with a cached key (issue 16): Bearer read, parse, hash, cache hit, status,
/// IP/workspace/mode/scope checks, GCRA + daily quota, and the RateLimit header values, through
/// <see cref="KeyAccessMiddleware"/> as the pipeline calls it. Allocated = what the step records per request.
/// <see cref="Shadow"/>: no shadow routes file (the default), a candidate whose route is unchanged, or one that needs
/// another scope there (every request is decided again and counted as <c>would_refuse</c>).
/// </summary>
[MemoryDiagnoser]
public class KeyAccessBenchmarks : IDisposable
{
    private static readonly RequestDelegate Next = static _ => Task.CompletedTask;

    private BenchStore _store = null!;
    private BenchLimiter _limiter = null!;
    private KeyAccessMiddleware _step = null!;
    private DefaultHttpContext _http = null!;

    public enum ShadowCase
    {
        None,
        Unchanged,
        ChangedScope,
    }

    [Params(ShadowCase.None, ShadowCase.Unchanged, ShadowCase.ChangedScope)]
    public ShadowCase Shadow { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = BenchStore.Create(["bench:read"]);
        _limiter = new BenchLimiter(_store);

        var auth = Options.Create(new AuthOptions());
        var health = new StoreHealth(TimeProvider.System, auth);
        health.ReportPolled(TimeProvider.System.GetUtcNow().AddDays(1), 0);
        var cache = new KeyCache(_store.Store, health, TimeProvider.System, auth, NullLogger<KeyCache>.Instance);
        var gateway = Options.Create(new GatewayOptions());
        var policy = RouteScopePolicy.Parse(new Dictionary<string, string> { ["Resource"] = "bench" }, out _);
        var live = new RouteAccess("bench", policy);
        var shadow = new ActiveShadowCandidate { Current = Candidate(gateway, live) };
        _step = new KeyAccessMiddleware(
            Next,
            new KeyVerifier(new KeyCredentials(BenchKeys.Format, BenchKeys.Hasher, ImportedKeyPattern.None), cache, TimeProvider.System),
            new RouteAccessCheck(gateway),
            new RateLimitAdmission(_limiter.Limiter, _limiter.Resolver, new WorkspaceLimitsCache(_store.WorkspaceLimits, health, TimeProvider.System, NullLogger<WorkspaceLimitsCache>.Instance),
                new QuotaExhaustions(_store.QuotaExhaustions, TimeProvider.System, NullLogger<QuotaExhaustions>.Instance), NullLogger<RateLimitAdmission>.Instance),
            new ClientIpResolver(gateway),
            shadow,
            NullLoggerFactory.Instance);

        _http = new DefaultHttpContext();
        _http.Request.Method = "GET";
        _http.Request.Headers.Authorization = "Bearer " + _store.Plaintext;
        _http.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        _http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(live), "bench"));
        // First request: loads the key into the cache and the lineage's quota from the store.
        _step.InvokeAsync(_http).GetAwaiter().GetResult();
        if (_http.Features.Get<ApiKeyRequestFeature>() is not { FailureReason: null, RateLimitHeader: not null })
        {
            throw new InvalidOperationException("The benchmark request was refused.");
        }
    }

    private ShadowCandidate? Candidate(IOptions<GatewayOptions> gateway, RouteAccess live)
    {
        if (Shadow == ShadowCase.None)
        {
            return null;
        }
        var changed = new RouteAccess("bench", RouteScopePolicy.Parse(new Dictionary<string, string> { ["Scopes"] = "bench:admin" }, out _));
        var route = Shadow == ShadowCase.Unchanged ? new ShadowRoute(live, live) : new ShadowRoute(changed, null);
        var metrics = new GatewayMetrics(new Prometheus.CollectorRegistry(), new KeyIdLabels(Options.Create(new MetricsOptions())));
        return ShadowCandidate.SameRouting(
            new Dictionary<string, ShadowRoute> { ["bench"] = route }.ToFrozenDictionary(), new RouteAccessCheck(gateway),
            new ShadowDecisionRecorder(metrics, new ShadowReport(_store.ShadowDecisions, TimeProvider.System, Options.Create(new UsageOptions()), NullLogger<ShadowReport>.Instance)));
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _limiter?.Dispose();
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public bool Invoke_CachedKeyAdmitted()
    {
        _http.Features.Set<ApiKeyRequestFeature>(null);
        return _step.InvokeAsync(_http).IsCompletedSuccessfully;
    }
}
