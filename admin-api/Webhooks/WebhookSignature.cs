using System.Security.Cryptography;
using System.Text;

namespace ApiGateway.AdminApi.Webhooks;

/// <summary>
/// The Standard Webhooks signature: <c>v1,</c> + base64 of HMAC-SHA-256 over <c>{webhook-id}.{webhook-timestamp}.{body}</c>
/// with the secret's bytes (docs/webhooks.md "Verifying").
/// </summary>
internal static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(byte[] key, string id, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{id}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
