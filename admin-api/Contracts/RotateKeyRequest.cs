namespace ApiGateway.AdminApi.Contracts;

/// <summary><c>POST /v1/keys/{id}/rotate</c>; the body is optional.</summary>
public sealed record RotateKeyRequest
{
    /// <summary>0 (default) revokes the old key now; otherwise it keeps working this long, then expires.</summary>
    public int? GracePeriodSeconds { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public int? ExpiresInDays { get; init; }
}
