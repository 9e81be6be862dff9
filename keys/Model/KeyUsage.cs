namespace ApiGateway.Keys.Model;

/// <summary>Requests that authenticated with a key over the trailing 24 hours, 7 days and 30 days.</summary>
public sealed record KeyUsage(long Last24h, long Last7d, long Last30d)
{
    public static readonly KeyUsage None = new(0, 0, 0);
}

/// <summary>One batch row from the gateway: <paramref name="Count"/> requests for a key within the UTC hour starting at <paramref name="HourStart"/>.</summary>
public sealed record UsageIncrement(string KeyId, DateTimeOffset HourStart, long Count, DateTimeOffset LastUsedAt);

/// <summary>Quota spent by a key lineage in a calendar period (<c>d:2026-11-25</c> or <c>m:2026-11</c>).</summary>
public sealed record QuotaIncrement(string LineageId, string Period, long Count);

/// <summary>A key changed at <paramref name="Sequence"/>; the gateway drops its cached copy.</summary>
public sealed record KeyChange(long Sequence, string KeyId);
