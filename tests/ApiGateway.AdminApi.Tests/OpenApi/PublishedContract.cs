using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace ApiGateway.AdminApi.Tests.OpenApi;

/// <summary>
/// The admin API's own OpenAPI document, used as the oracle: finds the response an operation documents for a status and
/// media type, and checks a real body against its schema (OpenAPI 3.1 schemas are JSON Schema 2020-12).
/// </summary>
internal sealed class PublishedContract(JsonNode document)
{
    public JsonNode Document { get; } = document;

    /// <summary>Every (operationId, status) the document promises, for the coverage check.</summary>
    public IEnumerable<(string OperationId, string Status)> DocumentedResponses() =>
        from path in Document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        from response in operation.Value!["responses"]!.AsObject()
        select (operation.Value!["operationId"]!.GetValue<string>(), response.Key);

    /// <summary>Null when the body matches what the document says <paramref name="operationId"/> answers; else why not.</summary>
    public string? Mismatch(string operationId, int status, MediaTypeHeaderValue? contentType, string body)
    {
        var operation = (from path in Document["paths"]!.AsObject()
                          from op in path.Value!.AsObject()
                          where op.Value!["operationId"]!.GetValue<string>() == operationId
                          select op.Value).SingleOrDefault();
        if (operation is null)
        {
            return $"{operationId} is not in the document";
        }
        if (operation["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not { } response)
        {
            return $"{operationId} does not document status {status}";
        }
        if (response["content"] is null)
        {
            // A response documented without content (204): the real one must have no body either.
            return body.Length == 0 && contentType is null ? null : $"{operationId} {status} documents no content, got '{contentType}': {body}";
        }
        var mediaType = contentType?.MediaType;
        if (response["content"]?[mediaType ?? ""]?["schema"] is not { } schema)
        {
            return $"{operationId} {status} does not document content type '{mediaType}' (documented: {response["content"]?.ToJsonString()})";
        }
        var results = Compile(schema).Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid ? null : $"{operationId} {status} body does not match its schema: {Describe(results)}\n{body}";
    }

    /// <summary>The response schema with the document's components as <c>$defs</c>, so its <c>$ref</c>s resolve.</summary>
    private JsonSchema Compile(JsonNode schema)
    {
        var wrapper = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://contract.test/{Guid.NewGuid():N}",
            ["$defs"] = Document["components"]!["schemas"]!.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        };
        var text = wrapper.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text);
    }

    private static string Describe(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}")));
}
