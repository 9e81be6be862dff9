namespace ApiGateway.Keys.Model;

/// <summary>The buckets a usage report sums hourly rows into (UTC).</summary>
public enum UsageGranularity
{
    Hour,
    Day,
}

/// <summary>What one usage report row is per: a key (with its workspace) or a whole workspace.</summary>
public enum UsageGrouping
{
    Key,
    Workspace,
}

/// <summary>
/// A usage report over [<paramref name="From"/>, <paramref name="To"/>), optionally for one workspace and/or one key
/// (docs/admin-api.md "Usage"). A key's usage belongs to the workspace the key was created in.
/// </summary>
public sealed record UsageQuery(
    DateTimeOffset From, DateTimeOffset To, UsageGranularity Granularity = UsageGranularity.Day, UsageGrouping GroupBy = UsageGrouping.Key,
    string? WorkspaceId = null, string? KeyId = null);

/// <summary>
/// One bucket of a usage report: <paramref name="Requests"/> authenticated requests, <paramref name="Units"/> cost units
/// spent by the admitted ones, <paramref name="Refused"/> of them answered 403 or 429. <paramref name="KeyId"/> is null
/// when grouped by workspace.
/// </summary>
public sealed record UsageRow(DateTimeOffset Start, string WorkspaceId, string? KeyId, long Requests, long Units, long Refused);
