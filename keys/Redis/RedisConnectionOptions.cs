using StackExchange.Redis;

namespace ApiGateway.Keys.Redis;

/// <summary>How both processes connect to <c>RateLimits:Redis</c>.</summary>
public static class RedisConnectionOptions
{
    /// <summary>
    /// Connection settings that make a dead Redis cost milliseconds, not seconds: never abort on a failed first connect
    /// (the multiplexer keeps reconnecting in the background), fail commands at once while disconnected instead of
    /// queueing them, a 1 s connect timeout and 5 s command timeouts unless the connection string sets them.
    /// </summary>
    public static ConfigurationOptions Parse(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var lower = connectionString.ToLowerInvariant();
        if (!lower.Contains("connecttimeout=", StringComparison.Ordinal))
        {
            options.ConnectTimeout = 1000;
        }
        // A dead Redis (refused or reset) fails at once through FailFast; the timeout only bounds a hung one. It stays
        // generous because the client checks timeouts on its 1 s heartbeat, and a loaded gateway can queue a reply
        // that long: a spurious timeout would fall back to the local limiter and over-admit.
        if (!lower.Contains("synctimeout=", StringComparison.Ordinal))
        {
            options.SyncTimeout = 5000;
        }
        if (!lower.Contains("asynctimeout=", StringComparison.Ordinal))
        {
            options.AsyncTimeout = 5000;
        }
        if (!lower.Contains("connectretry=", StringComparison.Ordinal))
        {
            options.ConnectRetry = 1;
        }
        options.ReconnectRetryPolicy = new LinearRetry(500);
        return options;
    }

    /// <summary><see cref="Parse"/>, or null when the string is malformed (which <c>RateLimitsOptionsValidator</c> reports).</summary>
    public static ConfigurationOptions? TryParse(string connectionString)
    {
        try
        {
            return Parse(connectionString);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
