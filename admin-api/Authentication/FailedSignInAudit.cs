using System.Net;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>
/// Writes the <c>admin.signin_failed</c> audit event of a refused credential (console or Bearer). Only failures that were
/// checked are audited, so the throttle bounds how many rows an attacker can add; attempts refused with 429 are not.
/// </summary>
internal sealed class FailedSignInAudit(IAdminCredentialStore credentials)
{
    public const string ViaConsole = "console";
    public const string ViaApi = "api";

    public async Task RecordAsync(string via, IPAddress? client, string? credential, string? limitReached, CancellationToken cancellationToken)
    {
        var targeted = await TargetedCredentialAsync(credential, cancellationToken);
        var address = client is { IsIPv4MappedToIPv6: true } ? client.MapToIPv4() : client;
        await credentials.RecordFailedSignInAsync(
            new FailedSignIn(via, address?.ToString() ?? "unknown", targeted, limitReached), cancellationToken);
    }

    /// <summary>
    /// The credential whose listed prefix the sent one starts with. A credential made from <c>Admin:BootstrapKey</c> lists its
    /// id as its prefix, so it never matches: the audit confirms no part of an operator-chosen secret.
    /// </summary>
    private async Task<string?> TargetedCredentialAsync(string? credential, CancellationToken cancellationToken)
    {
        if (credential is null || credential.Length < KeyFormat.VisiblePrefixLength)
        {
            return null;
        }
        var prefix = KeyFormat.VisiblePrefix(credential);
        // Admin credentials are few (operators, not users), so the list is the lookup.
        var all = await credentials.ListAsync(cancellationToken);
        return all.FirstOrDefault(c => string.Equals(c.Prefix, prefix, StringComparison.Ordinal))?.Id;
    }
}
