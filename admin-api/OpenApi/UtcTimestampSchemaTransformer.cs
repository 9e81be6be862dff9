using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ApiGateway.AdminApi.OpenApi;

/// <summary>
/// Times are written by <c>Json.UtcTimestampConverter</c>, a custom converter, so the generator knows only their format:
/// this gives them <c>type: string</c> (nullable where the property is) so generated clients type them as strings/dates.
/// </summary>
internal sealed class UtcTimestampSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            schema.Type = type == typeof(DateTimeOffset?) ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = "date-time";
        }
        return Task.CompletedTask;
    }
}
