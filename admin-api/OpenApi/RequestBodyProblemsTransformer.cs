using ApiGateway.AdminApi.Problems;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ApiGateway.AdminApi.OpenApi;

/// <summary>
/// Every operation that takes a body can answer 413 (over <see cref="AdminProblems.MaxBodyBytes"/>) and 415 (not JSON):
/// both come from shared middleware, not from the handlers, so no endpoint declares them itself.
/// </summary>
internal sealed class RequestBodyProblemsTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.RequestBody is not null)
        {
            AddBodyProblems(operation, context.Document);
        }
        return Task.CompletedTask;
    }

    /// <summary>Also for an endpoint that describes its body in its own transformer (those run after this one).</summary>
    public static void AddBodyProblems(OpenApiOperation operation, OpenApiDocument? document)
    {
        operation.Responses ??= [];
        Add(operation.Responses, StatusCodes.Status413PayloadTooLarge, "Request body too large", document);
        Add(operation.Responses, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type (send application/json)", document);
    }

    private static void Add(OpenApiResponses responses, int status, string description, OpenApiDocument? document)
    {
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (responses.ContainsKey(code))
        {
            return;
        }
        responses[code] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(nameof(Microsoft.AspNetCore.Mvc.ProblemDetails), document) },
            },
        };
    }
}
