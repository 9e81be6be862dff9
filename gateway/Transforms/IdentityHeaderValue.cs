namespace ApiGateway.Gateway.Transforms;

/// <summary>
/// Makes a stored identity value (owner, workspace) a header value that can always be sent. The admin API only accepts
/// visible ASCII (<c>!</c>–<c>~</c>) for these fields, and such values go as they are; a row stored before that rule
/// (non-ASCII, spaces, control characters) is sent percent-encoded as UTF-8, every byte outside RFC 3986's unreserved
/// set as <c>%XX</c> (<c>josé</c> → <c>jos%C3%A9</c>). Without this, the HTTP client throws while writing the headers
/// and every request of that key fails with 502. docs/gateway.md "Upstream".
/// </summary>
internal static class IdentityHeaderValue
{
    public static string Sendable(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return Uri.EscapeDataString(value);
            }
        }
        return value;
    }
}
