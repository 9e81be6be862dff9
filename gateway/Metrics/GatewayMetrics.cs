using System.Collections.Concurrent;
using System.Collections.Frozen;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Shadow;
using Prometheus;

namespace ApiGateway.Gateway.Metrics;

/// <summary>
/// Owns every metric the gateway publishes but the runtime's (<see cref="RuntimeMetrics"/>): the contract's (docs/metrics.md)
/// and the shared limiter's backend health, created once on the host's own <see cref="CollectorRegistry"/>.
/// Label children are cached per route, then per key label, then by status class, so that recording a request costs
/// three dictionary lookups (key label, route, key) and a few atomic adds, and allocates nothing.
/// </summary>
internal sealed class GatewayMetrics
{
    public const string NoRoute = "none";

    /// <summary>Latency buckets from a fast in-memory refusal (sub-millisecond) to a slow upstream (10 s).</summary>
    public static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly KeyIdLabels _keyIds;
    private readonly Counter _requests;
    private readonly Counter _rateLimited;
    private readonly Histogram _duration;
    private readonly Gauge _rateLimitBackendUp;
    private readonly Counter _rateLimitBackendErrors;
    private readonly FrozenDictionary<string, Counter.Child> _authFailures;
    private readonly ConcurrentDictionary<string, RouteSeries> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter.Child> _rateLimitedChildren = new(StringComparer.Ordinal);
    private readonly Counter _shadowDecisions;
    private readonly ConcurrentDictionary<string, Counter.Child[]> _shadowChildren = new(StringComparer.Ordinal);

    public GatewayMetrics(CollectorRegistry registry, KeyIdLabels keyIds)
    {
        _keyIds = keyIds;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        // prometheus-net's default attaches an exemplar (trace and span id as new hex strings) to every observation
        // made under an Activity: two per request, for a feature only the OpenMetrics format shows and nothing here reads.
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _requests = factory.CreateCounter("gateway_requests_total", "Requests seen by the gateway, refused ones included, by key, route and status class.",
            new CounterConfiguration { LabelNames = ["key_id", "route", "status"] });
        var authFailures = factory.CreateCounter("gateway_auth_failures_total", "Requests refused by authentication or authorization, by reason.",
            new CounterConfiguration { LabelNames = ["reason"] });
        _rateLimited = factory.CreateCounter("gateway_rate_limited_total", "Requests refused by the rate limiter or a quota (429), by key.",
            new CounterConfiguration { LabelNames = ["key_id"] });
        _duration = factory.CreateHistogram("gateway_request_duration_seconds", "Time from the request entering the gateway to its response, by route.",
            new HistogramConfiguration { LabelNames = ["route"], Buckets = DurationBuckets });

        _shadowDecisions = factory.CreateCounter("gateway_shadow_decisions_total",
            "Authenticated requests the shadow routes file (Gateway:ShadowRoutesFile) would decide differently, by live route id and outcome.",
            new CounterConfiguration { LabelNames = ["route", "outcome"] });

        _rateLimitBackendUp = factory.CreateGauge("gateway_ratelimit_backend_up",
            "1 when the shared rate-limit backend (Redis) answered its last call, or none is configured; 0 while it fails.");
        _rateLimitBackendErrors = factory.CreateCounter("gateway_ratelimit_backend_errors_total",
            "Rate-limit decisions whose shared backend (Redis) call failed (answered by the tier's RedisFailure choice).");
        _rateLimitBackendUp.Set(1);

        // Closed set: every reason exists from the start (at 0), so rate() and absent() behave from the first scrape.
        _authFailures = AuthFailureReasons.All.ToFrozenDictionary(reason => reason, reason => authFailures.WithLabels(reason), StringComparer.Ordinal);
    }

    /// <summary>Counts a finished request and observes its duration.</summary>
    /// <param name="keyId">The public id of the key that authenticated, or null.</param>
    /// <param name="route">The YARP route id, or null when no route matched.</param>
    public void RequestCompleted(string? keyId, string? route, int statusCode, TimeSpan duration)
    {
        var series = Series(route ?? NoRoute);
        var label = _keyIds.Label(keyId);
        if (!series.ByKey.TryGetValue(label, out var byStatus))
        {
            byStatus = series.ByKey.GetOrAdd(label, static _ => new Counter.Child?[StatusClasses.Count]);
        }
        var index = StatusClasses.IndexOf(statusCode);
        // A race creates the child twice; prometheus-net hands out the same child for the same labels, so it is benign.
        var child = Volatile.Read(ref byStatus[index]) ?? (byStatus[index] = _requests.WithLabels(label, series.Route, StatusClasses.Name(index)));
        child.Inc();
        series.Duration.Observe(duration.TotalSeconds);
    }

    /// <summary>Counts a refusal by its <see cref="AuthFailureReasons"/> value; values outside the closed set are ignored.</summary>
    public void AuthFailed(string reason)
    {
        if (_authFailures.TryGetValue(reason, out var child))
        {
            child.Inc();
        }
    }

    public void RateLimited(string? keyId)
    {
        var label = _keyIds.Label(keyId);
        if (!_rateLimitedChildren.TryGetValue(label, out var child))
        {
            child = _rateLimitedChildren.GetOrAdd(label, static (label, counter) => counter.WithLabels(label), _rateLimited);
        }
        child.Inc();
    }

    /// <summary>Counts a request the shadow routes file would decide differently; <paramref name="route"/> is the live route id.</summary>
    public void ShadowDecision(string route, ShadowOutcome outcome)
    {
        if (!_shadowChildren.TryGetValue(route, out var children))
        {
            children = _shadowChildren.GetOrAdd(route, static (route, counter) =>
                [counter.WithLabels(route, ShadowOutcomes.WouldRefuse), counter.WithLabels(route, ShadowOutcomes.WouldAllow)], _shadowDecisions);
        }
        children[(int)outcome].Inc();
    }

    /// <summary>Whether the shared limiter's backend answered its last call (<c>RateLimiting/RateLimitBackendHealth.cs</c>).</summary>
    public void RateLimitBackendUp(bool up) => _rateLimitBackendUp.Set(up ? 1 : 0);

    public void RateLimitBackendFailed() => _rateLimitBackendErrors.Inc();

    private RouteSeries Series(string route)
    {
        if (!_routes.TryGetValue(route, out var series))
        {
            series = _routes.GetOrAdd(route, static (route, histogram) => new RouteSeries(route, histogram.WithLabels(route)), _duration);
        }
        return series;
    }

    /// <summary>The cached children of one route: its duration histogram, and its request counters by key label and status class.</summary>
    private sealed class RouteSeries(string route, Histogram.Child duration)
    {
        public string Route { get; } = route;

        public Histogram.Child Duration { get; } = duration;

        public ConcurrentDictionary<string, Counter.Child?[]> ByKey { get; } = new(StringComparer.Ordinal);
    }
}
