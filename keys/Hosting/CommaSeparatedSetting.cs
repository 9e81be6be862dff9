using Microsoft.Extensions.Configuration;

namespace ApiGateway.Keys.Hosting;

/// <summary>
/// A list setting given as one comma-separated string (handy in an environment variable, e.g.
/// <c>Gateway__TrustedProxies=10.0.0.0/8,192.168.1.7</c>) instead of indexed entries.
/// </summary>
public static class CommaSeparatedSetting
{
    /// <summary>The setting's entries if <paramref name="key"/> holds one string, otherwise <paramref name="bound"/> as bound.</summary>
    public static List<string> Read(IConfiguration configuration, string key, List<string> bound)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var scalar = configuration[key];
        return string.IsNullOrWhiteSpace(scalar)
            ? bound
            : [.. scalar.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
