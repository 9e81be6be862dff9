namespace ApiGateway.AdminApi.Contracts;

/// <summary>
/// <c>POST /v1/keys</c>: the key's fields, and its end as <c>expiresAt</c> or <c>expiresInDays</c>. Everything is
/// nullable so a missing field is reported by validation, by name, with the rest.
/// </summary>
public sealed record CreateKeyRequest : KeyFieldsRequest
{
    public int? ExpiresInDays { get; init; }
}

public sealed record RateLimitRequest(int? Limit, int? PeriodSeconds);

/// <summary><c>{ "daily": n }</c> and/or <c>{ "monthly": n }</c>: the defaults make the OpenAPI document list both as optional.</summary>
public sealed record QuotaRequest(long? Daily = null, long? Monthly = null);
