namespace ApiGateway.Keys.Model;

/// <summary>
/// A refused admin sign-in, as the audit log keeps it: never the credential sent, any part of it, or its hash.
/// </summary>
/// <param name="Via"><c>console</c> (the sign-in form) or <c>api</c> (a Bearer credential).</param>
/// <param name="ClientIp">The connection's address.</param>
/// <param name="TargetedCredentialId">
/// The admin credential whose listed prefix the sent credential starts with (a mistyped or revoked credential, or a guess
/// built on a known prefix); null when it matches none.
/// </param>
/// <param name="LimitReached">Which throttle partitions this failure used up (<c>ip</c>, <c>prefix</c>, or both); null if none.</param>
public sealed record FailedSignIn(string Via, string ClientIp, string? TargetedCredentialId, string? LimitReached);
