using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ApiGateway.AdminApi.Tests.TestSupport;

/// <summary>Request bodies and calls the key tests share.</summary>
public static class KeyRequests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A valid mint body; tests change or remove fields on the returned object.</summary>
    public static JsonObject Valid(string? owner = null) => new()
    {
        ["name"] = "test key",
        ["workspaceId"] = "ws_1",
        ["scopes"] = new JsonArray("contacts:read"),
        ["owner"] = owner,
    };

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, JsonNode body) =>
        client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), Ct);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string path, string body) =>
        client.PatchAsync(path, new StringContent(body, Encoding.UTF8, "application/merge-patch+json"), Ct);

    /// <summary>Mints a key and returns the creation response body (record plus <c>key</c>).</summary>
    public static async Task<JsonElement> MintAsync(this HttpClient client, JsonObject? body = null)
    {
        using var response = await client.PostJsonAsync("/v1/keys", body ?? Valid());
        return await ApiAssert.JsonAsync(response, System.Net.HttpStatusCode.Created);
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        return await ApiAssert.JsonAsync(response, System.Net.HttpStatusCode.OK);
    }

    public static string Str(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static DateTimeOffset Time(this JsonElement element, string property) =>
        DateTimeOffset.Parse(element.GetProperty(property).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    public static JsonContent Json(object value) => JsonContent.Create(value, options: JsonSerializerOptions.Web);
}
