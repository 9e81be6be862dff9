using System.Collections.Concurrent;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Scopes;

namespace ApiGateway.Gateway.WebSockets;

/// <summary>
/// Every WebSocket the gateway forwards for a key, by key id, so a tunnel never outlives its key's access
/// (docs/gateway.md "Protocols"). When <see cref="KeyCache"/> drops a changed key (the change feed saw a revocation,
/// a patch, a disable...), each of that key's tunnels looks the key up again and is aborted if the handshake would
/// now be refused; a timer on the key's <c>expiresAt</c> does the same at expiry. A tunnel is also re-checked right
/// after it opens, so a change that landed between the handshake's lookup and the registration is not missed.
/// </summary>
internal sealed partial class OpenTunnels : IDisposable
{
    // Timers longer than this are re-armed when they fire (TimeProvider timers take at most about 49 days).
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<OpenTunnel, byte>> _byKey = new(StringComparer.Ordinal);
    private readonly KeyCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<OpenTunnels> _logger;
    private Task _lastRecheck = Task.CompletedTask;

    public OpenTunnels(KeyCache cache, TimeProvider time, ILogger<OpenTunnels> logger)
    {
        _cache = cache;
        _time = time;
        _logger = logger;
        _cache.KeyChanged += OnKeyChanged;
    }

    /// <summary>Tunnels currently open.</summary>
    public int Count => _byKey.Values.Sum(t => t.Count);

    /// <summary>The re-checks started most recently (tests wait on it instead of on time).</summary>
    internal Task LastRecheck => Volatile.Read(ref _lastRecheck);

    /// <summary>Registers an upgraded request; dispose the result when the request ends.</summary>
    public Registration Open(HttpContext context, CachedKey entry, RouteAccess access, System.Net.IPAddress? clientIp, string workspaceId)
    {
        var tunnel = new OpenTunnel(context, entry, access, clientIp, workspaceId);
        _byKey.AddOrUpdate(tunnel.KeyId,
            static (_, t) => new ConcurrentDictionary<OpenTunnel, byte> { [t] = 0 },
            static (_, set, t) =>
            {
                set[t] = 0;
                return set;
            },
            tunnel);
        ScheduleExpiry(tunnel, entry);
        Started(RecheckAsync(tunnel));
        return new Registration(this, tunnel);
    }

    public void Dispose() => _cache.KeyChanged -= OnKeyChanged;

    private void Remove(OpenTunnel tunnel)
    {
        tunnel.Dispose();
        if (_byKey.TryGetValue(tunnel.KeyId, out var set))
        {
            set.TryRemove(tunnel, out _);
            if (set.IsEmpty)
            {
                // Only removes the set if it is still the empty one we saw; a concurrent Open re-adds its own.
                _byKey.TryRemove(new KeyValuePair<string, ConcurrentDictionary<OpenTunnel, byte>>(tunnel.KeyId, set));
            }
        }
    }

    private void OnKeyChanged(string? keyId)
    {
        var rechecks = new List<Task>();
        if (keyId is null)
        {
            foreach (var set in _byKey.Values)
            {
                rechecks.AddRange(set.Keys.Select(RecheckAsync));
            }
        }
        else if (_byKey.TryGetValue(keyId, out var set))
        {
            rechecks.AddRange(set.Keys.Select(RecheckAsync));
        }
        if (rechecks.Count > 0)
        {
            Started(Task.WhenAll(rechecks));
        }
    }

    private void Started(Task recheck) => Volatile.Write(ref _lastRecheck, recheck);

    private async Task RecheckAsync(OpenTunnel tunnel)
    {
        KeyLookup lookup;
        try
        {
            lookup = await _cache.LookupAsync(tunnel.Entry.Hash, tunnel.Ended);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return; // The request ended meanwhile.
        }
        catch (Exception ex)
        {
            // Fail closed: a tunnel whose key cannot be confirmed is not kept.
            Log.RecheckFailed(_logger, tunnel.KeyId, ex.GetType().Name);
            lookup = KeyLookup.StoreUnavailable;
        }
        if (!TunnelAccess.StillAllowed(tunnel, lookup, _time.GetUtcNow()))
        {
            if (tunnel.Close())
            {
                Log.Closed(_logger, tunnel.KeyId, tunnel.Access.RouteId);
            }
            return;
        }
        ScheduleExpiry(tunnel, lookup.Entry!);
    }

    private void ScheduleExpiry(OpenTunnel tunnel, CachedKey entry)
    {
        if (entry.Key.ExpiresAt is not { } expiresAt)
        {
            tunnel.ScheduleExpiry(null);
            return;
        }
        var due = expiresAt - _time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxTimer ? MaxTimer : due;
        tunnel.ScheduleExpiry(() => _time.CreateTimer(static state =>
        {
            var (self, t) = ((OpenTunnels, OpenTunnel))state!;
            self.Started(self.RecheckAsync(t));
        }, (this, tunnel), due, Timeout.InfiniteTimeSpan));
    }

    /// <summary>Ends a tunnel's registration when its request is over.</summary>
    public readonly struct Registration(OpenTunnels owner, OpenTunnel tunnel) : IDisposable
    {
        public void Dispose() => owner.Remove(tunnel);
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.WebSocketClosedForKey, LogLevel.Debug, "Closed a WebSocket of key {KeyId} on route {RouteId}: the key no longer allows it.", EventName = nameof(EventIds.WebSocketClosedForKey))]
        public static partial void Closed(ILogger logger, string keyId, string routeId);

        [LoggerMessage(EventIds.WebSocketRecheckFailed, LogLevel.Debug, "Re-checking the key {KeyId} of an open WebSocket failed ({ErrorType}); closing it.", EventName = nameof(EventIds.WebSocketRecheckFailed))]
        public static partial void RecheckFailed(ILogger logger, string keyId, string errorType);
    }
}
