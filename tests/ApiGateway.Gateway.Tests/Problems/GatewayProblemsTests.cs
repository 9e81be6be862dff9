using System.Text.Json;
using ApiGateway.Gateway.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ApiGateway.Gateway.Tests.Problems;

public sealed class GatewayProblemsTests
{
    private static DefaultHttpContext Context(string method = "GET")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static JsonElement Body(HttpContext context)
    {
        context.Response.Body.Position = 0;
        using var json = JsonDocument.Parse(context.Response.Body);
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task WriteAsync_Problem_StatusTypeAndHeadersOfRfc9457()
    {
        var context = Context();

        await GatewayProblems.WriteAsync(context, GatewayProblems.InvalidKey);

        var body = Body(context);
        Assert.Equal(401, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("no-store", context.Response.Headers.CacheControl);
        Assert.Equal(GatewayProblems.InvalidKey.WwwAuthenticate, context.Response.Headers.WWWAuthenticate);
        Assert.Equal(context.Response.Body.Length, context.Response.ContentLength);
        Assert.Equal(["type", "title", "status", "detail"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Invalid API key", body.GetProperty("title").GetString());
        Assert.EndsWith("invalid-key", body.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_503_TellsTheClientToRetryAfterASecond()
    {
        var context = Context();

        await GatewayProblems.WriteAsync(context, GatewayProblems.KeyStoreUnavailable);

        Assert.Equal("1", context.Response.Headers.RetryAfter);
    }

    [Fact]
    public async Task WriteAsync_Head_HeadersButNoBody()
    {
        var context = Context("HEAD");

        await GatewayProblems.WriteAsync(context, GatewayProblems.InvalidKey);

        Assert.Equal(401, context.Response.StatusCode);
        Assert.True(context.Response.ContentLength > 0);
        Assert.Equal(0, context.Response.Body.Length);
    }

    /// <summary>A response that has started (a proxied body on its way) is left alone.</summary>
    private sealed class StartedResponse : IHttpResponseFeature
    {
        public int StatusCode { get; set; } = 200;
        public string? ReasonPhrase { get; set; }
        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();
        public Stream Body { get; set; } = new MemoryStream();
        public bool HasStarted => true;
        public void OnStarting(Func<object, Task> callback, object state) { }
        public void OnCompleted(Func<object, Task> callback, object state) { }
    }

    [Fact]
    public async Task WriteAsync_ResponseStarted_NothingWritten()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(new StartedResponse());

        await GatewayProblems.WriteAsync(context, GatewayProblems.UpstreamUnavailable);

        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task WriteAsync_Detail_EncodedAsJsonString()
    {
        var context = Context();

        await GatewayProblems.WriteAsync(context, GatewayProblems.RateLimited, "quota \"daily\" spent </script>");

        Assert.Equal("quota \"daily\" spent </script>", Body(context).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(new[] { "contacts:write" }, "Bearer error=\"insufficient_scope\", scope=\"contacts:write\"", "lacks the scope 'contacts:write', required for POST")]
    [InlineData(new[] { "ledger:read", "audit:read" }, "Bearer error=\"insufficient_scope\", scope=\"ledger:read audit:read\"", "lacks the scopes 'ledger:read', 'audit:read'")]
    [InlineData(new string[0], "Bearer error=\"insufficient_scope\"", "grants no scope for POST")]
    public async Task WriteInsufficientScopeAsync_NamesWhatIsMissingInDetailAndChallenge(string[] missing, string challenge, string detail)
    {
        var context = Context("POST");

        await GatewayProblems.WriteInsufficientScopeAsync(context, missing);

        Assert.Equal(403, context.Response.StatusCode);
        Assert.Equal(challenge, context.Response.Headers.WWWAuthenticate);
        Assert.Contains(detail, Body(context).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_EachTypeUniquePerTitle()
    {
        // Equal situations give equal bytes; two different answers never share a type (but the two test-key refusals, one answer).
        var problems = typeof(GatewayProblems).GetFields()
            .Where(f => f.FieldType == typeof(GatewayProblem)).Select(f => (GatewayProblem)f.GetValue(null)!).ToList();

        Assert.All(problems.GroupBy(p => p.Type), g => Assert.Single(g.Select(p => (p.Status, p.Title)).Distinct()));
    }
}
