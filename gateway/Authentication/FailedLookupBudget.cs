using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ApiGateway.Keys.Hosting;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// Each client's budget of failed key lookups, <c>Auth:FailedLookupsPerMinute</c> (docs/gateway.md "Freshness and outages"): a window
/// opens at a client's first failure and lasts a minute; past the budget its keys that are not already cached are
/// refused (429) without a store query until the window ends. A lookup reserves a failure before it queries the store
/// and gives it back when the key exists, so concurrent requests cannot overshoot the budget.
/// </summary>
/// <remarks>
/// A client is an IPv4 address or an IPv6 /64 (one subscriber's allocation: an attacker changing the low 64 bits
/// stays one client). At most <see cref="MaxClients"/> windows are held; when full, ended windows are swept, and a
/// new client that still finds no room is not budgeted (its misses still cost one store query per distinct key).
/// </remarks>
internal sealed class FailedLookupBudget(TimeProvider time, IOptions<AuthOptions> options)
{
    public const int MaxClients = 65_536;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly int _budget = options.Value.FailedLookupsPerMinute;
    private readonly ConcurrentDictionary<ClientId, ClientWindow> _clients = new();
    private readonly Lock _sweepLock = new();

    public int TrackedClients => _clients.Count;

    /// <summary>
    /// Reserves one failed lookup for <paramref name="client"/>; false (with the time until its window ends) when its
    /// budget is spent. A reservation is confirmed by doing nothing and returned with <see cref="Refund"/>.
    /// </summary>
    public bool TryReserve(IPAddress? client, out Reservation reservation, out TimeSpan retryAfter)
    {
        reservation = default;
        retryAfter = TimeSpan.Zero;
        var now = time.GetUtcNow().UtcTicks;
        var id = ClientId.From(client);
        if (!_clients.TryGetValue(id, out var window))
        {
            if (_clients.Count >= MaxClients && !Sweep(now))
            {
                return true;
            }
            window = _clients.GetOrAdd(id, static _ => new ClientWindow());
        }
        lock (window)
        {
            if (now - window.StartTicks >= Window.Ticks)
            {
                window.StartTicks = now;
                window.Failures = 0;
            }
            if (window.Failures >= _budget)
            {
                retryAfter = TimeSpan.FromTicks(window.StartTicks + Window.Ticks - now);
                return false;
            }
            window.Failures++;
            reservation = new Reservation(window, window.StartTicks);
            return true;
        }
    }

    /// <summary>The lookup found a key (or did not reach the store): the reserved failure did not happen.</summary>
    public static void Refund(Reservation reservation)
    {
        if (reservation.Window is not { } window)
        {
            return;
        }
        lock (window)
        {
            if (window.StartTicks == reservation.StartTicks && window.Failures > 0)
            {
                window.Failures--;
            }
        }
    }

    /// <summary>Drops ended windows; true if that made room.</summary>
    private bool Sweep(long now)
    {
        lock (_sweepLock)
        {
            if (_clients.Count < MaxClients)
            {
                return true;
            }
            foreach (var (id, window) in _clients)
            {
                if (now - Volatile.Read(ref window.StartTicks) >= Window.Ticks)
                {
                    _clients.TryRemove(KeyValuePair.Create(id, window));
                }
            }
            return _clients.Count < MaxClients;
        }
    }

    internal readonly record struct Reservation(ClientWindow? Window, long StartTicks);

    internal sealed class ClientWindow
    {
        // Starts ended, so the first reservation opens a window.
        public long StartTicks = long.MinValue / 2;
        public int Failures;
    }

    /// <summary>An IPv4 address, or the /64 of an IPv6 one; unknown peers share one id.</summary>
    internal readonly record struct ClientId(ulong High, ulong Low)
    {
        public static ClientId From(IPAddress? address)
        {
            if (address is null)
            {
                return default;
            }
            address = IpNetworks.Normalize(address);
            Span<byte> bytes = stackalloc byte[16];
            if (!address.TryWriteBytes(bytes, out var written))
            {
                return default;
            }
            return address.AddressFamily == AddressFamily.InterNetwork && written == 4
                ? new ClientId(0, 0x1_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(bytes))
                : new ClientId(BinaryPrimitives.ReadUInt64BigEndian(bytes), 2);
        }
    }
}
