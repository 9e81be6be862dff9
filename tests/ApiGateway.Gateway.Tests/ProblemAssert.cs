using System.Text.Json;

namespace ApiGateway.Gateway.Tests;

public static class ProblemAssert
{
    public const string TypeBase = "https://apigateway.dev/problems/";

    /// <summary>Asserts status, problem+json, type and title, and the exact WWW-Authenticate (null: absent). Returns the detail.</summary>
    public static async Task<string> HasAsync(HttpResponseMessage response, int status, string title, string type, string? wwwAuthenticate = null)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(TypeBase + type, json.RootElement.GetProperty("type").GetString());
        Assert.Equal(title, json.RootElement.GetProperty("title").GetString());
        Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
        if (wwwAuthenticate is null)
        {
            Assert.False(response.Headers.Contains("WWW-Authenticate"), "unexpected WWW-Authenticate");
        }
        else
        {
            Assert.Equal(wwwAuthenticate, string.Join(", ", response.Headers.GetValues("WWW-Authenticate")));
        }
        return json.RootElement.GetProperty("detail").GetString()!;
    }
}
