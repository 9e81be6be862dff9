using System.Net;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.Scopes;

namespace ApiGateway.Gateway.WebSockets;

/// <summary>
/// One upgraded request held open for a key: what its handshake was allowed on (key, route, client address, workspace),
/// and the only way to end it from outside. <see cref="Close"/> and <see cref="Dispose"/> (the request ended) share a lock, so a context that
/// Kestrel has already recycled for another request is never aborted.
/// </summary>
internal sealed class OpenTunnel(HttpContext context, CachedKey entry, RouteAccess access, IPAddress? clientIp, string workspaceId) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _ended = new();
    private ITimer? _expiry;
    private bool _closed;

    public string KeyId { get; } = entry.Key.Id;

    /// <summary>The key as the handshake was allowed; a re-check looks it up again by this hash.</summary>
    public CachedKey Entry { get; } = entry;

    public RouteAccess Access { get; } = access;

    public IPAddress? ClientIp { get; } = clientIp;

    public string WorkspaceId { get; } = workspaceId;

    /// <summary>Cancelled when the request has ended (re-checks still in flight stop).</summary>
    public CancellationToken Ended => _ended.Token;

    /// <summary>Replaces the expiry timer (null: the key does not expire).</summary>
    public void ScheduleExpiry(Func<ITimer>? create)
    {
        lock (_lock)
        {
            _expiry?.Dispose();
            _expiry = _closed ? null : create?.Invoke();
        }
    }

    /// <summary>Aborts the connection (HTTP/1.1) or stream (HTTP/2) unless the request already ended; true if this call closed it.</summary>
    public bool Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }
            _closed = true;
            _expiry?.Dispose();
            context.Abort();
            return true;
        }
    }

    /// <summary>The request is over: from now on nothing may touch its context.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _closed = true;
            _expiry?.Dispose();
            _expiry = null;
        }
        _ended.Cancel();
        _ended.Dispose();
    }
}
