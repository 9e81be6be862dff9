using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ApiGateway.Keys.Redis;

/// <summary>
/// A process's one Redis connection (<c>RateLimits:Redis</c>), made in the background so that start-up and shutdown
/// never wait on Redis. StackExchange.Redis's connect can block a thread for good: its TLS handshake has no timeout, so
/// <c>ssl=true</c> against a plain Redis once hung start-up before anything was logged, and SIGTERM with it (the
/// gateway's, and the admin API's, which connected synchronously). Until <see cref="Current"/> is set, every caller
/// treats Redis as unreachable (in the gateway each tier's <c>RedisFailure</c> applies; the admin API skips its
/// <c>keys:changed</c> publish); a connect that has not finished after <see cref="ConnectDeadline"/> is logged as an
/// error, and still used if it ever finishes. Registered as a singleton and a hosted service by
/// <see cref="RedisConnectionExtensions.AddRedisConnection"/>.
/// </summary>
public sealed partial class RedisConnection : IHostedService, IAsyncDisposable
{
    /// <summary>How long a first connect may take before it is reported (the client's own timeouts do not cover TLS).</summary>
    public static readonly TimeSpan ConnectDeadline = TimeSpan.FromSeconds(10);

    private readonly ConfigurationOptions _options;
    private readonly IRedisHealthListener? _health;
    private readonly ILogger<RedisConnection> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Action<IConnectionMultiplexer>> _onConnected = [];
    private readonly Lock _gate = new();
    private volatile IConnectionMultiplexer? _current;
    private int _disposed;

    public RedisConnection(ConfigurationOptions options, IRedisHealthListener? health, ILogger<RedisConnection> logger)
    {
        _options = options;
        _health = health;
        _logger = logger;
        health?.Failed(); // not up until connected (the gateway's /readyz says degraded, its gauge 0)
    }

    /// <summary>A connection already made (tests).</summary>
    public RedisConnection(IConnectionMultiplexer connected, IRedisHealthListener? health, ILogger<RedisConnection> logger)
    {
        _options = ConfigurationOptions.Parse(connected.Configuration);
        _health = health;
        _logger = logger;
        Attach(connected);
    }

    /// <summary>The connected multiplexer, or null while the first connect has not finished.</summary>
    public IConnectionMultiplexer? Current => _current;

    /// <summary>Runs <paramref name="action"/> with the multiplexer now if connected, else once it is.</summary>
    public void OnConnected(Action<IConnectionMultiplexer> action)
    {
        lock (_gate)
        {
            if (_current is null)
            {
                _onConnected.Add(action);
                return;
            }
        }
        action(_current);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_current is null)
        {
            // Off the start path entirely: the connect may block the thread it runs on.
            _ = Task.Run(ConnectAsync, CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Idempotent: the container disposes the instance once per registration (the singleton and the hosted service). The
    /// token source is cancelled, never disposed: the background connect may still be waiting on it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        if (_current is { } current)
        {
            // Bounded, like everything here: shutdown must not wait on Redis either.
            try
            {
                await current.CloseAsync(allowCommandsToComplete: false).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or RedisException or ObjectDisposedException)
            {
                Log.CloseFailed(_logger, ex.GetType().Name);
            }
            current.Dispose();
        }
    }

    private async Task ConnectAsync()
    {
        var connecting = ConnectionMultiplexer.ConnectAsync(_options);
        try
        {
            try
            {
                Attach(await connecting.WaitAsync(ConnectDeadline, _stopping.Token).ConfigureAwait(false));
                return;
            }
            catch (TimeoutException)
            {
                Log.ConnectHung(_logger, string.Join(", ", _options.EndPoints), _options.Ssl, (int)ConnectDeadline.TotalSeconds);
            }
            Attach(await connecting.WaitAsync(_stopping.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down before Redis answered: nothing to wait for.
        }
        catch (Exception ex) when (ex is RedisException or ArgumentException or InvalidOperationException or IOException)
        {
            Log.ConnectFailed(_logger, string.Join(", ", _options.EndPoints), ex.GetType().Name, ex.Message);
        }
    }

    private void Attach(IConnectionMultiplexer multiplexer)
    {
        if (_health is { } health)
        {
            multiplexer.ConnectionFailed += (_, _) => health.Failed();
            multiplexer.ConnectionRestored += (_, _) => health.Succeeded();
            if (multiplexer.IsConnected)
            {
                health.Succeeded();
            }
            else
            {
                health.Failed();
            }
        }
        Action<IConnectionMultiplexer>[] waiting;
        lock (_gate)
        {
            _current = multiplexer;
            waiting = [.. _onConnected];
            _onConnected.Clear();
        }
        foreach (var action in waiting)
        {
            action(multiplexer);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Redis at {Endpoints} has not completed the connection within {Seconds} s (ssl={Ssl}); a TLS setting that does not match the server hangs the handshake. Redis counts as unreachable until it connects.", EventName = "RedisConnectHung")]
        public static partial void ConnectHung(ILogger logger, string endpoints, bool ssl, int seconds);

        [LoggerMessage(2, LogLevel.Error, "Could not connect to Redis at {Endpoints} ({Error}: {Message}); Redis counts as unreachable.", EventName = "RedisConnectFailed")]
        public static partial void ConnectFailed(ILogger logger, string endpoints, string error, string message);

        [LoggerMessage(3, LogLevel.Debug, "Closing the Redis connection failed ({Error}).", EventName = "RedisCloseFailed")]
        public static partial void CloseFailed(ILogger logger, string error);
    }
}
