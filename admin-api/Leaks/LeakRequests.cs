using System.Text.Json.Serialization;

namespace ApiGateway.AdminApi.Leaks;

/// <summary>The body of <c>POST /v1/leaks</c>.</summary>
public sealed record ReportLeaksRequest(IReadOnlyList<string?>? Keys, string? Source, string? Url);

public sealed record LeakItem(string Prefix, string Result);

public sealed record LeakReportResponse(IReadOnlyList<LeakItem> Items);

/// <summary>One finding in GitHub's secret-scanning report (GitHub's snake_case names).</summary>
public sealed record GitHubLeak(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("source")] string? Source);

/// <summary>GitHub's expected answer per finding: the token's SHA-256 hex, never the token.</summary>
public sealed record GitHubLeakLabel(
    [property: JsonPropertyName("token_hash")] string TokenHash,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("label")] string Label);
