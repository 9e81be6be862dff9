using ApiGateway.Keys.Format;
using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Leaks;

/// <summary>One reported candidate's outcome: the visible part to recognise it by, and what happened.</summary>
internal sealed record LeakOutcome(string Prefix, LeakResult Result, bool IsOurKey);

/// <summary>
/// Ends reported keys (docs/admin-api.md, "Leaked keys"): a candidate that is neither our format (with a valid checksum)
/// nor an imported key's (<c>Keys:ImportedKeyPattern</c>) is <c>invalid_format</c> without touching the store; any other
/// is looked up by hash and revoked or flagged (<c>Leaks:Action</c>) by <see cref="KeyMutationService.ReportLeakAsync"/>:
/// one write transaction with its audit event, and the same after-commit listeners as a <c>DELETE</c>.
/// </summary>
internal sealed class LeakReporter(KeyCredentials credentials, KeyMutationService mutations, IOptions<LeaksOptions> options)
{
    private LeakAction Action => options.Value.Action == LeakActions.Flag ? LeakAction.Flag : LeakAction.Revoke;

    public async Task<LeakOutcome> ReportAsync(string candidate, LeakReport report, Actor actor, CancellationToken cancellationToken)
    {
        if (!credentials.TryHash(candidate, out var hash))
        {
            return new LeakOutcome(Shown(candidate), LeakResult.InvalidFormat, IsOurKey: false);
        }
        var (result, key) = await mutations.ReportLeakAsync(hash, Action, report, actor, cancellationToken);
        return new LeakOutcome(key?.Prefix ?? Shown(candidate), result, IsOurKey: key is not null);
    }

    /// <summary>
    /// What a response may show of a candidate: a key's visible prefix, but never more than a quarter of what was sent,
    /// so a short secret of some other kind pasted by mistake is not echoed back.
    /// </summary>
    private static string Shown(string candidate) =>
        candidate[..Math.Min(KeyFormat.VisiblePrefixLength, candidate.Length / 4)];
}
