using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using ApiGateway.AdminApi.Authentication;

namespace ApiGateway.AdminApi.Leaks;

/// <summary>
/// <c>POST /v1/leaks</c> (admin credential) and GitHub's secret-scanning partner endpoint <c>POST /v1/leaks/github</c>
/// (no credential: the raw body must verify against GitHub's signature). docs/admin-api.md "Leaked keys",
/// docs/secret-scanning.md.
/// </summary>
internal static class LeaksEndpoints
{
    public const int MaxKeys = 100;
    public const int MaxGitHubItems = 1000;
    public const int MaxSourceLength = 200;
    public const int MaxUrlLength = 2000;
    /// <summary>GitHub sends up to 1000 findings in one report: more than the admin API's 64 KB, so this path alone takes 1 MB.</summary>
    public const int MaxGitHubBodyBytes = 1024 * 1024;
    public const string GitHubPath = "/v1/leaks/github";
    /// <summary>A DER P-256 signature is at most 72 bytes: 96 base64 characters, with room for GitHub's formatting.</summary>
    public const int MaxSignatureLength = 256;

    /// <summary>The audit actor of GitHub's reports.</summary>
    public static readonly Actor GitHub = new("github", "GitHub secret scanning");

    public static IEndpointRouteBuilder MapLeaks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/leaks", ReportAsync).WithName("ReportLeaks").WithSummary("Report leaked keys (revoked or flagged per Leaks:Action)").WithTags("Leaks")
            .RequireAuthorization(AdminPolicies.ManageKeys).ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapPost(GitHubPath, ReportFromGitHubAsync).WithName("ReportLeaksFromGitHub").WithSummary("GitHub secret scanning partner endpoint (signed reports)").WithTags("Leaks")
            .AllowAnonymous()
            // Not .Accepts<T>(): routing would answer a non-JSON body with its own 415 endpoint, which carries no
            // AllowAnonymous and so answered GitHub's report with the admin credential's 401. The handler checks the
            // media type itself; the document still describes the body.
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>(StringComparer.Ordinal)
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(IReadOnlyList<GitHubLeak>), null, cancellationToken) },
                    },
                };
                ApiGateway.AdminApi.OpenApi.RequestBodyProblemsTransformer.AddBodyProblems(operation, context.Document);
            })
            .Produces<IReadOnlyList<GitHubLeakLabel>>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Ok<LeakReportResponse>, ValidationProblem>> ReportAsync(
        ReportLeaksRequest request, ClaimsPrincipal user, LeakReporter reporter, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var report = Validate(request, errors);
        if (report is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var actor = user.ToActor();
        var items = new List<LeakItem>(request.Keys!.Count);
        foreach (var candidate in request.Keys!)
        {
            var outcome = await reporter.ReportAsync(candidate!, report, actor, cancellationToken);
            items.Add(new LeakItem(outcome.Prefix, outcome.Result.ToWire()));
        }
        return TypedResults.Ok(new LeakReportResponse(items));
    }

    /// <summary>Every field checked, every failure named (<c>keys</c>, <c>keys[3]</c>, <c>source</c>, <c>url</c>); null when any failed.</summary>
    internal static LeakReport? Validate(ReportLeaksRequest request, ValidationErrors errors)
    {
        if (request.Keys is not { Count: >= 1 and <= MaxKeys } keys)
        {
            errors.Add("keys", $"keys must hold 1-{MaxKeys} keys.");
        }
        else
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (string.IsNullOrEmpty(keys[i]))
                {
                    errors.Add($"keys[{i}]", "Each entry must be a non-empty string.");
                }
            }
        }
        if (request.Source is { } source && (source.Length is 0 or > MaxSourceLength || !TextCharacters.IsDisplaySafe(source)))
        {
            errors.Add("source", $"source must be 1-{MaxSourceLength} characters of plain text.");
        }
        if (request.Url is { } url && !IsReportableUrl(url))
        {
            errors.Add("url", $"url must be an absolute http(s) URL of at most {MaxUrlLength} characters.");
        }
        return errors.IsEmpty ? new LeakReport(request.Source, request.Url) : null;
    }

    internal static async Task<IResult> ReportFromGitHubAsync(
        HttpRequest request, GitHubPublicKeys keys, GitHubReportGate gate, LeakReporter reporter, CancellationToken cancellationToken)
    {
        if (!keys.Enabled)
        {
            return TypedResults.NotFound();
        }
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType);
        }
        // Everything that can be refused without the body is refused before a byte of it is read.
        var keyId = request.Headers["Github-Public-Key-Identifier"];
        var signature = request.Headers["Github-Public-Key-Signature"];
        if (keyId.Count != 1 || signature.Count != 1 || string.IsNullOrEmpty(keyId[0]) || string.IsNullOrEmpty(signature[0])
            || signature[0]!.Length > MaxSignatureLength || !keys.Knows(keyId[0]!))
        {
            return InvalidSignature();
        }
        using var lease = gate.TryEnter();
        if (!lease.IsAcquired)
        {
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Too many reports in flight",
                detail: $"At most {GitHubReportGate.MaxInFlight} reports are read at once; retry shortly.");
        }
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 16 * 1024, MaxGitHubBodyBytes));
        // A stalled upload is ended by Kestrel's minimum request body data rate (240 B/s after a 5 s grace), and the gate
        // above bounds how many bodies are buffered at once.
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (!keys.Verify(body, keyId[0]!, signature[0]!))
        {
            return InvalidSignature();
        }
        IReadOnlyList<GitHubLeak>? findings;
        try
        {
            findings = JsonSerializer.Deserialize(body, LeaksJsonContext.Default.IReadOnlyListGitHubLeak);
        }
        catch (JsonException)
        {
            findings = null;
        }
        if (findings is not { Count: <= MaxGitHubItems } || findings.Any(f => string.IsNullOrEmpty(f?.Token)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["body"] = [$"A JSON array of at most {MaxGitHubItems} findings, each with a non-empty 'token'."],
            });
        }
        var labels = new List<GitHubLeakLabel>(findings.Count);
        foreach (var finding in findings)
        {
            // GitHub's url is what its finding says; anything that is not a plain http(s) URL is dropped, not stored.
            var report = new LeakReport(Source: GitHub.Id, Url: IsReportableUrl(finding.Url) ? finding.Url : null);
            var outcome = await reporter.ReportAsync(finding.Token!, report, GitHub, cancellationToken);
            labels.Add(new GitHubLeakLabel(Sha256Hex(finding.Token!), finding.Type, outcome.IsOurKey ? "true_positive" : "false_positive"));
        }
        return TypedResults.Json(labels, LeaksJsonContext.Default.IReadOnlyListGitHubLeakLabel);
    }

    private static bool IsReportableUrl(string? url) =>
        url is { Length: > 0 and <= MaxUrlLength } && TextCharacters.IsDisplaySafe(url)
        && Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https";

    private static ProblemHttpResult InvalidSignature() =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Invalid GitHub signature",
            detail: "The body does not verify against Github-Public-Key-Signature with the key named by Github-Public-Key-Identifier.");

    private static string Sha256Hex(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
