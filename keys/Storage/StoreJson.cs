using System.Text.Json;
using System.Text.Json.Serialization;
using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>JSON columns (lists, limit overrides, audit details) in camelCase, source-generated.</summary>
internal static class StoreJson
{
    public static IReadOnlyList<string> ReadList(string json) =>
        JsonSerializer.Deserialize(json, StoreJsonContext.Default.StringArray) ?? [];

    public static string WriteList(IReadOnlyList<string> values) =>
        JsonSerializer.Serialize(values as string[] ?? [.. values], StoreJsonContext.Default.StringArray);

    public static string WriteDetails(Dictionary<string, object?> details) =>
        JsonSerializer.Serialize(details, StoreJsonContext.Default.DictionaryStringObject);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(RateLimitOverride))]
[JsonSerializable(typeof(QuotaOverride))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
