namespace ApiGateway.Keys.Model;

/// <summary>The outcomes of a shadow routes decision that differs from the live one (docs/gateway.md "Shadow routes").</summary>
public static class ShadowOutcomeNames
{
    /// <summary>The live routes let the key through; the candidate would refuse it.</summary>
    public const string WouldRefuse = "would_refuse";

    /// <summary>The live routes refuse the key; the candidate would let it through.</summary>
    public const string WouldAllow = "would_allow";

    public static bool IsKnown(string? outcome) => outcome is WouldRefuse or WouldAllow;
}

/// <summary>One batch row from a gateway: <paramref name="Count"/> differing decisions within the UTC hour starting at <paramref name="HourStart"/>.</summary>
public sealed record ShadowDecisionIncrement(string Route, string KeyId, string Outcome, DateTimeOffset HourStart, long Count, DateTimeOffset LastSeenAt);

/// <summary>Which differences to list: hours with a difference at or after <paramref name="Since"/>, optionally one route and one outcome.</summary>
public sealed record ShadowDecisionQuery(string? Route, string? Outcome, DateTimeOffset Since, int Limit);

/// <summary>
/// A key the candidate routes decide differently on a live route: the key's name and workspace (null when the key no
/// longer exists), the count over the hours seen since the query's start and the last time.
/// </summary>
public sealed record ShadowDecisionSummary(string Route, string Outcome, string KeyId, string? KeyName, string? WorkspaceId, long Count, DateTimeOffset LastSeenAt);
