using System.Security.Cryptography;

namespace ApiGateway.AdminApi.Webhooks;

/// <summary>Standard Webhooks secrets: <c>whsec_</c> + base64 of 32 random bytes; the bytes are the HMAC key.</summary>
internal static class WebhookSecret
{
    public const string Prefix = "whsec_";
    private const int Bytes = 32;

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(Bytes));

    public static byte[] KeyOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
    }
}
