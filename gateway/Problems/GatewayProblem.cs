namespace ApiGateway.Gateway.Problems;

/// <summary>
/// One kind of error answer: status, stable <c>type</c> URI, title, default detail and the <c>WWW-Authenticate</c>
/// value it carries. Instances are static (<see cref="GatewayProblems"/>), so equal situations give equal bytes.
/// </summary>
internal sealed class GatewayProblem
{
    public GatewayProblem(int status, string slug, string title, string detail, string? wwwAuthenticate = null, string? failureReason = null)
    {
        Status = status;
        Type = GatewayProblems.TypeBase + slug;
        Title = title;
        Detail = detail;
        WwwAuthenticate = wwwAuthenticate;
        FailureReason = failureReason;
        Body = GatewayProblems.Serialize(this, detail);
    }

    public int Status { get; }

    /// <summary>Stable problem type URI (RFC 9457 <c>type</c>).</summary>
    public string Type { get; }

    public string Title { get; }

    public string Detail { get; }

    public string? WwwAuthenticate { get; }

    /// <summary>The <see cref="AuthFailureReasons"/> value this answer counts as, when it is an auth refusal.</summary>
    public string? FailureReason { get; }

    /// <summary>The serialized body with <see cref="Detail"/>, computed once.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    public override string ToString() => $"{Status} {Title}";
}
