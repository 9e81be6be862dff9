using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Memory;

namespace ApiGateway.AdminApi.WebConsole;

/// <summary>
/// One-time ids for the forms that mint a secret (create, rotate). The secret is shown only in the POST response, so
/// the browser cannot be redirected; this makes a resubmitted form (back, then "resend") refuse instead of minting twice.
/// </summary>
internal sealed class ConsoleSubmissions(IMemoryCache cache)
{
    private static readonly TimeSpan Remember = TimeSpan.FromHours(9);

    public static string NewId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>True the first time <paramref name="id"/> is seen; false for a repeat or a missing id.</summary>
    public bool TryUse(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64)
        {
            return false;
        }
        var first = false;
        cache.GetOrCreate("console-submission:" + id, entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Remember;
            entry.Size = null;
            first = true;
            return true;
        });
        return first;
    }
}
