namespace ApiGateway.Keys.Model;

/// <summary>Requests that authenticated with a key over the trailing 24 hours, 7 days and 30 days.</summary>
public sealed record KeyUsage(long Last24h, long Last7d, long Last30d)
{
    public static readonly KeyUsage None = new(0, 0, 0);
}

/// <summary>
/// One batch row from the gateway for a key within the UTC hour starting at <paramref name="HourStart"/>:
/// <paramref name="Count"/> authenticated requests, <paramref name="Units"/> cost units spent by the admitted ones, and
/// <paramref name="Refused"/> of them answered 403 or 429 (docs/billing.md).
/// </summary>
public sealed record UsageIncrement(string KeyId, DateTimeOffset HourStart, long Count, DateTimeOffset LastUsedAt, long Units = 0, long Refused = 0);

/// <summary>Quota spent by a key lineage in a calendar period (<c>d:2026-11-25</c> or <c>m:2026-11</c>).</summary>
public sealed record QuotaIncrement(string LineageId, string Period, long Count);

/// <summary>A key changed at <paramref name="Sequence"/>; the gateway drops its cached copy.</summary>
public sealed record KeyChange(long Sequence, string KeyId);
