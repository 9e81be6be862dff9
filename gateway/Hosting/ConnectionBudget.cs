using System.Globalization;

namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Derives the connection limits from the process's open-file limit, so that a flood of idle connections is refused
/// by Kestrel long before the process runs out of descriptors (which kills it: docs/gateway.md "Connection limits").
/// </summary>
/// <remarks>
/// The runtime keeps a descriptor open for every loaded assembly (about 280 in all once the gateway has started), so
/// the budget starts from what is free at start: <c>RLIMIT_NOFILE − open at start − 256</c>, the 256 kept for
/// assemblies loaded later, the key store, Redis, the routes-file watch, logs and the internal listener. Every public
/// connection may hold two descriptors (its own and the upstream connection it is forwarded on), so the budget makes
/// half as many connections: a quarter of them for upgraded (WebSocket) connections, which Kestrel counts across the
/// process, the other three quarters shared by the public listeners, which Kestrel counts each on its own.
/// </remarks>
internal static class ConnectionBudget
{
    public const int ReservedDescriptors = 256;

    /// <summary>Below this many connections the open-file limit is too small for the gateway (logged as a warning).</summary>
    public const long MinimumConnections = 16;

    /// <summary>The connections the free descriptors pay for; null (no limit) when the open-file limit is unknown or unlimited.</summary>
    public static long? Connections(long? openFileLimit, long openAtStart) =>
        openFileLimit is { } limit ? Math.Max(MinimumConnections, (limit - openAtStart - ReservedDescriptors) / 2) : null;

    /// <summary>The HTTP connection limit of each public listener.</summary>
    public static long PerListener(long connections, int publicListeners) =>
        Math.Max(1, (connections - Upgraded(connections)) / Math.Max(1, publicListeners));

    /// <summary>The upgraded-connection limit of the process.</summary>
    public static long Upgraded(long connections) => Math.Max(1, connections / 4);

    /// <summary>The soft open-file limit from <c>/proc/self/limits</c> (after the runtime raised it); null elsewhere or when unlimited.</summary>
    public static long? ReadOpenFileLimit(string path = "/proc/self/limits")
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>Descriptors the process holds now (<c>/proc/self/fd</c>); 0 where that cannot be read.</summary>
    public static long CountOpenDescriptors(string path = "/proc/self/fd")
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(path).LongCount();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
