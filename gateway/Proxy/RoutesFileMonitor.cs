using Yarp.ReverseProxy.Configuration;

namespace ApiGateway.Gateway.Proxy;

/// <summary>
/// Tracks whether routes are loaded (for <c>/readyz</c>) and logs refused reloads: a file that cannot be read, and
/// (through YARP) a config that fails validation. In both cases the last good config keeps serving.
/// </summary>
internal sealed partial class RoutesFileMonitor : IConfigChangeListener, IHostedService
{
    private readonly RoutesFileConfigurationProvider? _provider;
    private readonly ILogger<RoutesFileMonitor> _logger;
    private volatile bool _loaded;
    private int _rejected;

    public RoutesFileMonitor(RoutesFileConfigurationSource source, ILogger<RoutesFileMonitor> logger)
    {
        _provider = source.Provider;
        _logger = logger;
    }

    public bool Loaded => _loaded;

    /// <summary>Reloads refused so far: unreadable file or invalid config.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_provider is not null)
        {
            _provider.ReloadFailed += OnReloadFailed;
            if (_provider.LastError is { } error)
            {
                OnReloadFailed(_provider.FilePath, error);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_provider is not null)
        {
            _provider.ReloadFailed -= OnReloadFailed;
        }
        return Task.CompletedTask;
    }

    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception)
    {
    }

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception)
    {
        foreach (var error in Flatten(exception))
        {
            Log.ReloadInvalid(_logger, _provider?.FilePath, error);
        }
        // Counted once logged: whoever sees the count (a test, /readyz) finds the reasons already written.
        Interlocked.Increment(ref _rejected);
    }

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
        _loaded = true;
    }

    /// <summary>Logs every validation error of a refused config, one line each (route and field named).</summary>
    public static void LogInvalidAtStart(ILogger logger, string? path, Exception exception)
    {
        foreach (var error in Flatten(exception))
        {
            Log.StartInvalid(logger, path, error);
        }
    }

    private static IEnumerable<string> Flatten(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(Flatten),
        { InnerException: { } inner } when exception is InvalidOperationException => Flatten(inner),
        { InnerException: { } inner } => [$"{exception.Message} {inner.Message}"],
        _ => [exception.Message],
    };

    private void OnReloadFailed(string path, Exception exception)
    {
        Log.ReloadUnreadable(_logger, path, exception.Message);
        Interlocked.Increment(ref _rejected);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.RoutesReloadUnreadable, LogLevel.Error, "Routes file '{Path}' changed but cannot be read; keeping the last good routes: {Reason}", EventName = nameof(EventIds.RoutesReloadUnreadable))]
        public static partial void ReloadUnreadable(ILogger logger, string path, string reason);

        [LoggerMessage(EventIds.RoutesReloadInvalid, LogLevel.Error, "Routes file '{Path}' changed but is invalid; keeping the last good routes: {Error}", EventName = nameof(EventIds.RoutesReloadInvalid))]
        public static partial void ReloadInvalid(ILogger logger, string? path, string error);

        [LoggerMessage(EventIds.RoutesInvalid, LogLevel.Critical, "Routes file '{Path}' is invalid: {Error}", EventName = nameof(EventIds.RoutesInvalid))]
        public static partial void StartInvalid(ILogger logger, string? path, string error);
    }
}
