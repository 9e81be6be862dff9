using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace ApiGateway.AdminApi.Problems;

/// <summary>
/// Turns request-binding failures (malformed JSON, a wrong JSON type, an unknown field, a missing body, an unparsable
/// query value) into 4xx problems. For JSON errors the field is named in RFC 9457 <c>errors</c>, like validation.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }
        var status = badRequest.StatusCode;
        httpContext.Response.StatusCode = status;
        var problem = exception.InnerException is JsonException json
            ? new HttpValidationProblemDetails(Describe(json)) { Title = "Invalid JSON body", Detail = "The request body is not valid JSON for this call." }
            : DescribeUnparsableParameter(badRequest.Message) is { } parameter
            ? new HttpValidationProblemDetails(parameter) { Title = "Invalid parameter", Detail = "A query or route parameter has a value of the wrong kind." }
            : new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Title = AdminProblems.TitleFor(status) ?? "Bad request",
                Detail = IsMissingBody(badRequest.Message) ? "A JSON request body is required." : AdminProblems.DetailFor(status) ?? badRequest.Message,
            };
        problem.Status = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>Names the field from the exception's JSON path (<c>$.rateLimit.limit</c> → <c>rateLimit.limit</c>).</summary>
    internal static Dictionary<string, string[]> Describe(JsonException exception)
    {
        var path = exception.Path is { Length: > 1 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "";
        var message = exception.Message;
        if (UnmappedProperty().Match(message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups[1].Value;
            var field = path.Length == 0 || path.EndsWith(name, StringComparison.Ordinal) ? (path.Length == 0 ? name : path) : $"{path}.{name}";
            return new() { [field] = [$"Unknown field '{name}'."] };
        }
        var text = message.StartsWith(Json.UtcTimestampConverter.ErrorMessage, StringComparison.Ordinal) ? message
            : message.Contains("could not be converted", StringComparison.Ordinal) ? "Wrong JSON type for this field."
            : "Malformed JSON.";
        return new() { [path.Length == 0 ? "body" : path] = [text] };
    }

    /// <summary>
    /// <c>?limit=abc</c>: ASP.NET Core's message names the .NET parameter (<c>"Nullable&lt;int&gt; Limit"</c>); clients get the
    /// wire name and what is expected instead, never a .NET type, and not their value echoed back.
    /// </summary>
    internal static Dictionary<string, string[]>? DescribeUnparsableParameter(string message)
    {
        if (UnparsableParameter().Match(message) is not { Success: true } match)
        {
            return null;
        }
        var name = match.Groups["name"].Value;
        var field = char.ToLowerInvariant(name[0]) + name[1..];
        var expected = WholeNumber().IsMatch(match.Groups["type"].Value) ? "a whole number" : "a valid value";
        return new() { [field] = [$"{field} must be {expected}."] };
    }

    private static bool IsMissingBody(string message) =>
        message.Contains("was not provided from body", StringComparison.Ordinal) || message.Contains("no body was provided", StringComparison.Ordinal);

    [GeneratedRegex("^Failed to bind parameter \"(?<type>[^\"]*) (?<name>[A-Za-z_][A-Za-z0-9_]*)\" from \"", RegexOptions.CultureInvariant)]
    private static partial Regex UnparsableParameter();

    [GeneratedRegex(@"\b(u?int|u?long|u?short|s?byte|Int\d+|UInt\d+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex WholeNumber();

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnmappedProperty();
}
