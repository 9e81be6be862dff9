using System.Net;
using ApiGateway.Gateway.Problems;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Http;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Authentication;

/// <summary>
/// The answer of <see cref="KeyVerifier"/>: the live key's cache entry, or the problem the request is refused with
/// (<see cref="RetryAfter"/> goes with <see cref="GatewayProblems.TooManyInvalidKeys"/>).
/// </summary>
internal readonly record struct KeyVerification(CachedKey? Entry, GatewayProblem? Problem, TimeSpan RetryAfter = default)
{
    public static readonly KeyVerification Missing = new(null, GatewayProblems.MissingCredential);
    public static readonly KeyVerification Malformed = new(null, GatewayProblems.MalformedKey);
    public static readonly KeyVerification Invalid = new(null, GatewayProblems.InvalidKey);
    public static readonly KeyVerification Expired = new(null, GatewayProblems.ExpiredKey);
    public static readonly KeyVerification Disabled = new(null, GatewayProblems.DisabledKey);
    public static readonly KeyVerification StoreUnavailable = new(null, GatewayProblems.KeyStoreUnavailable);
}

/// <summary>
/// Verifies <c>Authorization: Bearer &lt;key&gt;</c> in the documented order (docs/gateway.md "What a request goes through"; a key in the query string was already
/// refused by the edge filters): header parsing, format and checksum (no store touched), lookup through
/// <see cref="KeyCache"/> (budgeted per client IP: a spent budget is a 429 without a store query), then status and
/// expiry (then disabled). Route-dependent checks (IP, workspace, mode, scope) are not its business: it never reads route metadata.
/// Completes synchronously, with no allocation, for a cached key.
/// </summary>
internal sealed class KeyVerifier(KeyCredentials credentials, KeyCache cache, TimeProvider time)
{
    /// <param name="request">The request whose credential is verified.</param>
    /// <param name="client">The client address the failed-lookup budget is charged to (behind a trusted proxy, the forwarded one).</param>
    /// <param name="cancellationToken">The request's abort token (a store read is abandoned with the request).</param>
    public ValueTask<KeyVerification> VerifyAsync(HttpRequest request, IPAddress? client, CancellationToken cancellationToken)
    {
        switch (BearerToken.TryRead(request.Headers.Authorization, out var token))
        {
            case BearerToken.Outcome.None:
                return ValueTask.FromResult(KeyVerification.Missing);
            case BearerToken.Outcome.Ambiguous:
                return ValueTask.FromResult(KeyVerification.Malformed);
        }
        // Our format (checksum) or Keys:ImportedKeyPattern; a token matching neither is refused here without a lookup.
        if (!credentials.TryHash(token, out var hash))
        {
            return ValueTask.FromResult(KeyVerification.Malformed);
        }
        var lookup = cache.LookupAsync(hash, client, cancellationToken);
        return lookup.IsCompletedSuccessfully ? ValueTask.FromResult(Judge(lookup.Result)) : JudgeAsync(lookup);
    }

    private async ValueTask<KeyVerification> JudgeAsync(ValueTask<KeyLookup> lookup) => Judge(await lookup);

    private KeyVerification Judge(in KeyLookup lookup)
    {
        switch (lookup.Status)
        {
            case KeyLookupStatus.StoreUnavailable:
                return KeyVerification.StoreUnavailable;
            case KeyLookupStatus.Throttled:
                return new KeyVerification(null, GatewayProblems.TooManyInvalidKeys, lookup.RetryAfter);
        }
        if (lookup.Entry is not { } entry)
        {
            return KeyVerification.Invalid;
        }
        return entry.Key.StatusAt(time.GetUtcNow()) switch
        {
            // Byte-identical to an unknown key.
            KeyStatus.Revoked => KeyVerification.Invalid,
            KeyStatus.Expired => KeyVerification.Expired,
            KeyStatus.Disabled => KeyVerification.Disabled,
            _ => new KeyVerification(entry, null),
        };
    }
}
