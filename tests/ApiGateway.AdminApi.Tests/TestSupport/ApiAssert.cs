using System.Net;
using System.Text.Json;

namespace ApiGateway.AdminApi.Tests.TestSupport;

/// <summary>Assertions on admin API responses, read as raw JSON so wire names are checked exactly.</summary>
public static class ApiAssert
{
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>An RFC 9457 problem with this status (and title, when given); returns its body.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? title = null)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (title is not null)
        {
            Assert.Equal(title, problem.GetProperty("title").GetString());
        }
        return problem;
    }

    /// <summary>A 400 validation problem naming <paramref name="field"/> in <c>errors</c>; returns that field's messages.</summary>
    public static async Task<string[]> ValidationErrorAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"No errors member: {problem}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"No error for '{field}': {errors}");
        return [.. messages.EnumerateArray().Select(m => m.GetString()!)];
    }
}
