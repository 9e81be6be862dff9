using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Hosting;

/// <summary>
/// Applies <see cref="ConnectionLimitsOptions"/> to Kestrel, deriving unset connection limits from the open-file
/// limit (<see cref="ConnectionBudget"/>), and says once at start what it chose.
/// </summary>
internal sealed partial class ConnectionLimitsSetup(IOptions<ConnectionLimitsOptions> options, PublicUrls publicUrls, ILogger<ConnectionLimitsSetup> logger)
    : IConfigureOptions<KestrelServerOptions>
{
    /// <summary>Kestrel's default grace before the body data rate is enforced.</summary>
    private static readonly TimeSpan BodyRateGrace = TimeSpan.FromSeconds(5);

    public void Configure(KestrelServerOptions kestrel)
    {
        var limits = options.Value;
        var openFileLimit = ConnectionBudget.ReadOpenFileLimit();
        var openAtStart = ConnectionBudget.CountOpenDescriptors();
        var budget = ConnectionBudget.Connections(openFileLimit, openAtStart);
        var perListener = limits.MaxConcurrentConnections ?? (budget is { } b1 ? ConnectionBudget.PerListener(b1, publicUrls.ListenerCount) : null);
        var upgraded = limits.MaxConcurrentUpgradedConnections ?? (budget is { } b2 ? ConnectionBudget.Upgraded(b2) : null);

        kestrel.Limits.MaxConcurrentConnections = perListener;
        kestrel.Limits.MaxConcurrentUpgradedConnections = upgraded;
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
        kestrel.Limits.MinRequestBodyDataRate = limits.MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(limits.MinRequestBodyBytesPerSecond, BodyRateGrace)
            : null;

        Log.Chosen(logger, Describe(perListener), Describe(upgraded), Describe(openFileLimit), openAtStart);
        if (budget == ConnectionBudget.MinimumConnections && limits.MaxConcurrentConnections is null)
        {
            Log.FileLimitTooLow(logger, openFileLimit!.Value, openAtStart);
        }
    }

    private static string Describe(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "unlimited";

    private static partial class Log
    {
        [LoggerMessage(EventIds.ConnectionLimits, LogLevel.Information, "Connection limits: {PerListener} per public listener, {Upgraded} upgraded; open-file limit {OpenFileLimit}, {OpenAtStart} open at start.", EventName = nameof(EventIds.ConnectionLimits))]
        public static partial void Chosen(ILogger logger, string perListener, string upgraded, string openFileLimit, long openAtStart);

        [LoggerMessage(EventIds.OpenFileLimitTooLow, LogLevel.Warning, "The open-file limit {OpenFileLimit} leaves almost nothing for connections ({OpenAtStart} open at start); raise it (ulimit -n, LimitNOFILE, --ulimit nofile).", EventName = nameof(EventIds.OpenFileLimitTooLow))]
        public static partial void FileLimitTooLow(ILogger logger, long openFileLimit, long openAtStart);
    }
}
