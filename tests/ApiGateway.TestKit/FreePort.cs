using System.Net;
using System.Net.Sockets;

namespace ApiGateway.TestKit;

/// <summary>
/// A TCP port on 127.0.0.1 for a process that needs a fixed one, free when picked and handed out once per test run.
/// </summary>
/// <remarks>
/// Not an OS-chosen (port 0) one: those come from the kernel's ephemeral range, which every bind to port 0 and every
/// outgoing connection on the machine draws from, so between the pick and the child's bind (5-36 s for a gateway on a
/// loaded 2-core machine, measured) another process could take it and the child fail to bind (docs/tls.md "Known
/// issues"). These come from below that range, where only explicit binds go: a random start per process, then upwards.
/// </remarks>
public static class FreePort
{
    private const int Lowest = 20_000;
    private static readonly Lock Gate = new();
    private static readonly int Highest = EphemeralRangeStart() - 1;
    private static int _next = Lowest + Random.Shared.Next(Highest - Lowest);

    public static int Next()
    {
        lock (Gate)
        {
            for (var tried = 0; tried <= Highest - Lowest; tried++)
            {
                var port = _next;
                _next = port >= Highest ? Lowest : port + 1;
                if (IsFree(port))
                {
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"No free port between {Lowest} and {Highest}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of <c>ip_local_port_range</c> (Linux); 32768, the usual one, elsewhere.</summary>
    private static int EphemeralRangeStart()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        var text = File.Exists(RangeFile) ? File.ReadAllText(RangeFile) : "";
        var first = text.Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return int.TryParse(first, out var start) && start > Lowest + 1_000 ? start : 32_768;
    }
}
