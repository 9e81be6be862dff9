using System.Collections.Frozen;
using ApiGateway.Gateway.Hosting;
using ApiGateway.Gateway.Proxy;
using ApiGateway.Gateway.Scopes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// <c>Gateway:ShadowRoutesFile</c> (docs/gateway.md "Shadow routes"): read and watched like the live routes file
/// (<see cref="RoutesFileConfigurationProvider"/>), turned into routes by YARP's own configuration reader and checked by
/// the gateway's route validation (<see cref="IConfigValidator"/>, which runs <see cref="RouteScopesValidator"/>).
/// A file that cannot be read or fails validation is logged at Warning and ignored: the last good candidate, if any,
/// keeps being evaluated, and live traffic never depends on it. Rebuilt when the live routes change too, since which
/// candidate route decides a request depends on how both files route it (<see cref="ShadowCandidate"/>).
/// </summary>
/// <remarks>Unset, <see cref="ActiveShadowCandidate"/> stays null: the key access step's whole cost is that one null check.</remarks>
internal sealed partial class ShadowRoutes : IHostedService, IConfigChangeListener, IDisposable
{
    private readonly string? _path;
    private readonly IConfigValidator _validator;
    private readonly RouteAccessTable _routes;
    private readonly IInlineConstraintResolver _constraints;
    private readonly RouteAccessCheck _check;
    private readonly ShadowDecisionRecorder _recorder;
    private readonly ILogger<ShadowRoutes> _logger;
    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private readonly ActiveShadowCandidate _active;
    private readonly TimeProvider _time;
    private volatile ShadowRoutesState? _state;
    private volatile IReadOnlyList<RouteConfig> _live = [];
    private RoutesFileConfigurationProvider? _file;
    private IDisposable? _watch;
    private int _builds;

    public ShadowRoutes(
        IOptions<GatewayOptions> options, IConfigValidator validator, RouteAccessTable routes, IInlineConstraintResolver constraints,
        RouteAccessCheck check, ShadowDecisionRecorder recorder, ActiveShadowCandidate active, TimeProvider time, ILogger<ShadowRoutes> logger)
    {
        var path = options.Value.ShadowRoutesFile;
        _path = string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);
        _validator = validator;
        _routes = routes;
        _constraints = constraints;
        _check = check;
        _recorder = recorder;
        _active = active;
        _time = time;
        _logger = logger;
    }

    /// <summary>The candidate being evaluated, or null (unset, or no good version read yet).</summary>
    public ShadowCandidate? Candidate => _active.Current;

    /// <summary>For <c>/readyz</c>: null when no shadow file is configured.</summary>
    public ShadowRoutesState? State => _state;

    /// <summary>How many times the candidate was read and checked, counted once its state is set (a test's view of "reloaded on change").</summary>
    public int Builds => Volatile.Read(ref _builds);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_path is null)
        {
            return;
        }
        _file = new RoutesFileConfigurationProvider(_path);
        _file.ReloadFailed += (_, error) => Refuse(error.Message);
        _watch = ChangeToken.OnChange(_file.GetReloadToken, () => _ = RebuildAsync());
        try
        {
            _file.Load();
        }
        catch (InvalidOperationException ex)
        {
            // Missing or unreadable at start: ignored, and watched, so the file is evaluated once it is good.
            Refuse(ex.InnerException?.Message ?? ex.Message);
            return;
        }
        await RebuildAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception)
    {
    }

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception)
    {
    }

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        ArgumentNullException.ThrowIfNull(proxyConfigs);
        _live = [.. proxyConfigs.SelectMany(c => c.Routes)];
        if (_file is not null && _active.Current is not null)
        {
            _ = RebuildAsync();
        }
    }

    public void Dispose()
    {
        _watch?.Dispose();
        _file?.Dispose();
        _rebuild.Dispose();
    }

    private async Task RebuildAsync()
    {
        await _rebuild.WaitAsync();
        try
        {
            if (_file is null)
            {
                return;
            }
            var (candidate, errors) = await BuildAsync(_file.Snapshot());
            if (candidate is null)
            {
                Refuse(string.Join(" ", errors));
                return;
            }
            _active.Current = candidate;
            _state = ShadowRoutesState.Loaded(_time.GetUtcNow());
            Log.Loaded(_logger, _path!, candidate.MatchesRequests ? "its own routing" : "the live routing");
        }
        catch (Exception ex)
        {
            // Nothing about the candidate may reach live traffic, an unforeseen failure included.
            Refuse(ex.Message);
        }
        finally
        {
            Interlocked.Increment(ref _builds);
            _rebuild.Release();
        }
    }

    private async Task<(ShadowCandidate? Candidate, List<string> Errors)> BuildAsync(IReadOnlyList<KeyValuePair<string, string?>> data)
    {
        var errors = new List<string>();
        var services = new ServiceCollection();
        services.AddLogging();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(data).Build();
        // YARP's own reader, the one LoadFromConfig gives the live routes, in a container of its own.
        services.AddReverseProxy().LoadFromConfig(configuration.GetSection("ReverseProxy"));
        await using var reader = services.BuildServiceProvider();
        IProxyConfig config;
        try
        {
            config = reader.GetRequiredService<IProxyConfigProvider>().GetConfig();
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            errors.Add(ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message);
            return (null, errors);
        }
        foreach (var route in config.Routes)
        {
            errors.AddRange((await _validator.ValidateRouteAsync(route)).Select(e => e.Message));
        }
        foreach (var cluster in config.Clusters)
        {
            errors.AddRange((await _validator.ValidateClusterAsync(cluster)).Select(e => e.Message));
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var live = _live.ToDictionary(r => r.RouteId, StringComparer.OrdinalIgnoreCase);
        var sameRouting = live.Count == config.Routes.Count
            && config.Routes.All(r => live.TryGetValue(r.RouteId, out var l) && Equals(l.Match, r.Match) && l.Order == r.Order);
        if (sameRouting)
        {
            var byLiveRoute = config.Routes.ToFrozenDictionary(
                r => r.RouteId,
                r => new ShadowRoute(_routes.For(r), SameMetadata(live[r.RouteId], r) ? _routes.For(live[r.RouteId]) : null),
                StringComparer.OrdinalIgnoreCase);
            return (ShadowCandidate.SameRouting(byLiveRoute, _check, _recorder), errors);
        }
        foreach (var route in config.Routes)
        {
            if (ShadowRouteMatcher.Unsupported(route) is { } condition)
            {
                errors.Add($"Route '{route.RouteId}': routes differently from the live file and uses {condition}, which shadow matching does not evaluate; keep the live routing (ids, Match, Order) to compare scopes only.");
            }
        }
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var matcher = ShadowRouteMatcher.Build(config.Routes.Select(r => (r, _routes.For(r))), _constraints);
        return (ShadowCandidate.OwnRouting(matcher, _check, _recorder), errors);
    }

    private static bool SameMetadata(RouteConfig live, RouteConfig candidate)
    {
        var a = live.Metadata ?? FrozenDictionary<string, string>.Empty;
        var b = candidate.Metadata ?? FrozenDictionary<string, string>.Empty;
        return a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal));
    }

    private void Refuse(string error)
    {
        var evaluating = _active.Current is not null;
        _state = ShadowRoutesState.Failed(error, evaluating ? _state : null);
        Log.Refused(_logger, _path!, evaluating ? "the last good version is still evaluated" : "nothing is evaluated", error);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ShadowRoutesLoaded, LogLevel.Information, "Shadow routes file '{Path}' loaded and evaluated beside the live routes, matching requests by {Routing}.", EventName = nameof(EventIds.ShadowRoutesLoaded))]
        public static partial void Loaded(ILogger logger, string path, string routing);

        [LoggerMessage(EventIds.ShadowRoutesRefused, LogLevel.Warning, "Shadow routes file '{Path}' is ignored ({Kept}; live traffic is unaffected): {Error}", EventName = nameof(EventIds.ShadowRoutesRefused))]
        public static partial void Refused(ILogger logger, string path, string kept, string error);
    }
}
