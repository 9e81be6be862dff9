using System.Net;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Mutations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace ApiGateway.Gateway.Tests.ForwardAuth;

/// <summary>
/// What only the forward-auth listener does (docs/forward-auth.md): read the question in each proxy's dialect, answer
/// an admitted one 200 with the identity instead of proxying it, refuse questions that describe no request with a 400
/// that spends nothing. The error-table rows themselves run through both entries in the Edge*/ForwardAuth* test classes.
/// </summary>
public sealed class ForwardAuthQuestionsTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ForwardAuthDialect.Traefik)]
    [InlineData(ForwardAuthDialect.Nginx)]
    [InlineData(ForwardAuthDialect.Envoy)]
    public async Task Question_Admitted_Answers200WithIdentityAndLimitsAndForwardsNothing(ForwardAuthDialect dialect)
    {
        var key = await factory.MintAsync(["contacts:write"], workspaceId: "ws_fa", owner: "user_42");
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth, dialect);
        var forwarded = factory.Upstream.Received.Count;

        using var response = await client.PostAsync("/v1/contacts/7?x=1", new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("ws_fa", Header(response, "X-Workspace-Id"));
        Assert.Equal(key.Key.Id, Header(response, "X-Api-Key-Id"));
        Assert.Equal("live", Header(response, "X-Api-Key-Mode"));
        Assert.Equal("user_42", Header(response, "X-Api-Key-Owner"));
        Assert.StartsWith("\"", Header(response, "RateLimit"), StringComparison.Ordinal);
        Assert.StartsWith("\"", Header(response, "RateLimit-Policy"), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Api-Key-Token"), "signed identity is off in this fixture");
        Assert.Equal(forwarded, factory.Upstream.Received.Count);
    }

    [Fact]
    public async Task Question_OriginalMethodDecidesTheScope()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth);
        using var read = await client.GetAsync("/v1/contacts/1", Ct);
        using var write = await client.DeleteAsync("/v1/contacts/1", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await ProblemAssert.HasAsync(write, 403, "Insufficient scope", "insufficient-scope",
            "Bearer error=\"insufficient_scope\", scope=\"contacts:write\"");
    }

    [Theory]
    [InlineData(ForwardAuthDialect.Traefik)]
    [InlineData(ForwardAuthDialect.Nginx)]
    [InlineData(ForwardAuthDialect.Envoy)]
    public async Task Question_NoRouteMatches_Returns404Problem(ForwardAuthDialect dialect)
    {
        var key = await factory.MintAsync(["*"]);
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth, dialect);
        using var response = await client.GetAsync("/v2/nothing/here", Ct);
        await ProblemAssert.HasAsync(response, 404, "Not Found", "not-found");
    }

    [Fact]
    public async Task Question_PublicRoute_Answers200WithoutIdentity()
    {
        var key = await factory.MintAsync(["*"]);
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth);
        using var response = await client.GetAsync("/v1/status", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Api-Key-Id"));
    }

    [Fact]
    public async Task Question_TestKey_AnswersItsMode()
    {
        var key = await factory.MintAsync(["contacts:read"], mode: KeyMode.Test);
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("test", Header(response, "X-Api-Key-Mode"));
    }

    /// <summary>
    /// At the edge a test key on a route with <c>TestCluster</c> goes to the sandbox; the proxy asking a question cannot
    /// reroute, so its answer would send the test key to the live backend: refused like <c>LiveOnly</c>, spending nothing.
    /// </summary>
    [Theory]
    [InlineData(ForwardAuthDialect.Traefik)]
    [InlineData(ForwardAuthDialect.Nginx)]
    [InlineData(ForwardAuthDialect.Envoy)]
    public async Task Question_TestKeyOnATestClusterRoute_Returns403(ForwardAuthDialect dialect)
    {
        var key = await factory.MintAsync(["orders:read", "contacts:read"], mode: KeyMode.Test);
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth, dialect);
        using var response = await client.GetAsync("/v1/orders/1", Ct);
        await ProblemAssert.HasAsync(response, 403, "Test keys are not allowed on this route", "test-key-not-allowed");
        Assert.False(response.Headers.Contains("X-Api-Key-Mode"));
        await AssertNothingSpentAsync(key);
    }

    [Fact]
    public async Task Question_LiveKeyOnATestClusterRoute_Answers200()
    {
        var key = await factory.MintAsync(["orders:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth);
        using var response = await client.GetAsync("/v1/orders/1", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/contacts/a%2Fb")]        // an encoded separator: the edge refuses it, so does the question
    [InlineData("/v1/contacts/a;b")]
    [InlineData("/v1/contacts/./1")]
    [InlineData("/v1/contacts/%2e%2e/1")]
    [InlineData("/v1/contacts/a%25b")]
    public async Task Question_AmbiguousOriginalPath_Returns400LikeTheEdge(string target)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        var answer = await AskAsync(key.Plaintext, ("X-Forwarded-Method", "GET"), ("X-Forwarded-Uri", target));
        Assert.Equal(StatusCodes.Status400BadRequest, answer.Response.StatusCode);
        Assert.Equal("application/problem+json", answer.Response.ContentType);
    }

    [Theory]
    [InlineData("v1/contacts/1")]                       // not origin form
    [InlineData("http://api.example/v1/contacts/1")]   // absolute form: a proxy reports the target as the client sent it
    [InlineData("/v1/contacts/é")]                      // not visible ASCII: no request line carries it
    [InlineData("/v1/contacts/ 1")]
    [InlineData(" /v1/contacts/1")]
    public async Task Question_UnusableOriginalUri_Returns400AndSpendsNothing(string target)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        var answer = await AskAsync(key.Plaintext, ("X-Forwarded-Method", "GET"), ("X-Forwarded-Uri", target));
        await AssertInvalidQuestionAsync(answer);
        await AssertNothingSpentAsync(key);
    }

    [Fact]
    public async Task Question_RepeatedOrConflictingHeaders_Returns400AndSpendsNothing()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        await AssertInvalidQuestionAsync(await AskAsync(key.Plaintext, ("X-Forwarded-Uri", "/v1/contacts/1"), ("X-Forwarded-Uri", "/v1/contacts/2")));
        await AssertInvalidQuestionAsync(await AskAsync(key.Plaintext, ("X-Forwarded-Uri", "/v1/contacts/1"), ("X-Original-URI", "/v1/invoices/1")));
        await AssertInvalidQuestionAsync(await AskAsync(key.Plaintext, ("X-Forwarded-Uri", "/v1/contacts/1"), ("X-Forwarded-Method", "GET"), ("X-Original-Method", "DELETE")));
        await AssertNothingSpentAsync(key);
    }

    [Fact]
    public async Task Question_SameValueInBothDialects_IsAccepted()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        var answer = await AskAsync(key.Plaintext, ("X-Forwarded-Uri", "/v1/contacts/1"), ("X-Original-URI", "/v1/contacts/1"));
        Assert.Equal(StatusCodes.Status200OK, answer.Response.StatusCode);
    }

    [Theory]
    [InlineData("TRACE", 405)]
    [InlineData("get", 405)]
    [InlineData("FOO", 501)]
    public async Task Question_UnsupportedOriginalMethod_RefusedLikeTheEdge(string method, int status)
    {
        var key = await factory.MintAsync(["*"]);
        var answer = await AskAsync(key.Plaintext, ("X-Forwarded-Method", method), ("X-Forwarded-Uri", "/v1/contacts/1"));
        Assert.Equal(status, answer.Response.StatusCode);
        await AssertNothingSpentAsync(key);
    }

    [Fact]
    public async Task Question_DeclaredBodyOverTheLimit_Returns413AndSpendsNothing()
    {
        var key = await factory.MintAsync(["contacts:read", "contacts:write"]);
        var answer = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/auth";
            c.Request.Headers.Authorization = $"Bearer {key.Plaintext}";
            c.Request.Headers["X-Forwarded-Method"] = "POST";
            c.Request.Headers["X-Forwarded-Uri"] = "/v1/contacts/1";
            c.Request.ContentLength = 1L << 40;
            c.Connection.LocalPort = GatewayFactory.ForwardAuthPort;
        }, Ct);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, answer.Response.StatusCode);
        await AssertNothingSpentAsync(key);
    }

    [Fact]
    public async Task Question_CountedInMetricsWithTheRouteId()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth);
        using (var allowed = await client.GetAsync("/v1/contacts/1", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using (var refused = await client.DeleteAsync("/v1/invoices/1", Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var scrape = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/metrics";
            c.Connection.LocalPort = 9091;
        }, Ct);
        using var reader = new StreamReader(scrape.Response.Body);
        var metrics = await reader.ReadToEndAsync(Ct);
        Assert.Equal(1, Count(metrics, key.Key.Id, "contacts", "2xx"));
        Assert.Equal(1, Count(metrics, key.Key.Id, "invoices", "4xx"));
    }

    /// <summary>
    /// A question about <c>/v1/verify</c> is a question like any other (no route matches it: 404), never a verify call:
    /// a proxy that forwards the client's body (Envoy <c>with_request_body</c>, Traefik <c>forwardBody</c>) would take
    /// the verify answer's 200 as "allowed". Whether a request is a verify call is decided from the listener's own request.
    /// </summary>
    [Theory]
    [InlineData("X-Forwarded-Uri", "/v1/verify")]
    [InlineData("X-Forwarded-Uri", "/V1/Verify/?a=b")]
    [InlineData("X-Original-URI", "/v1/verify")]
    [InlineData("X-Original-URI", "/v1/verify?x=1")]
    [InlineData("X-Forwarded-Uri", "/v1/%76erify")]
    public async Task Question_AboutTheVerifyPath_Returns404NotAVerifyAnswer(string header, string target)
    {
        var methodHeader = header == "X-Original-URI" ? "X-Original-Method" : "X-Forwarded-Method";
        var answer = await AskWithBodyAsync(HttpMethods.Post, "/", """{"key":"nope"}""", (methodHeader, "POST"), (header, target));
        Assert.Equal(StatusCodes.Status404NotFound, answer.Response.StatusCode);
        Assert.Equal("application/problem+json", answer.Response.ContentType);
    }

    /// <summary>
    /// The Envoy dialect asks with the original request itself: only the exact target <c>POST /v1/verify</c> is the
    /// listener's own endpoint (docs/forward-auth.md, Envoy), every other spelling routing would have folded onto it is a question.
    /// </summary>
    [Theory]
    [InlineData("/V1/Verify/?a=b")]
    [InlineData("/v1/verify/")]
    [InlineData("/V1/VERIFY")]
    public async Task Question_EnvoyDialectOtherSpellingOfTheVerifyPath_Returns404(string target)
    {
        var answer = await AskWithBodyAsync(HttpMethods.Post, target, """{"key":"nope"}""");
        Assert.Equal(StatusCodes.Status404NotFound, answer.Response.StatusCode);
    }

    [Fact]
    public async Task Question_OwnRequestIsPostVerifyWithQuestionHeaders_IsJudgedAsTheQuestion()
    {
        // A proxy pointed at .../v1/verify by mistake still asks questions: the question headers decide, not its own path.
        var answer = await AskWithBodyAsync(HttpMethods.Post, "/v1/verify", """{"key":"nope"}""",
            ("X-Forwarded-Method", "GET"), ("X-Forwarded-Uri", "/v1/contacts/1"));
        Assert.Equal(StatusCodes.Status401Unauthorized, answer.Response.StatusCode);
    }

    [Fact]
    public async Task EdgePort_ForwardAuthHeaders_AreNotQuestions()
    {
        // On the public listener X-Forwarded-Uri is just a header: the request is decided (and forwarded) as itself.
        var key = await factory.MintAsync(["contacts:read"]);
        using var client = factory.CreateKeyClient(key.Plaintext);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/contacts/edge");
        request.Headers.Add("X-Forwarded-Uri", "/v1/invoices/1");
        request.Headers.Add("X-Forwarded-Method", "DELETE");
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(factory.Upstream.Received, r => r.Path == "/v1/contacts/edge");
    }

    private Task<HttpContext> AskAsync(string key, params (string Name, string Value)[] headers) =>
        factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/auth";
            c.Request.Headers.Authorization = $"Bearer {key}";
            foreach (var (name, value) in headers)
            {
                c.Request.Headers.Append(name, value);
            }
            c.Connection.LocalPort = GatewayFactory.ForwardAuthPort;
        }, Ct);

    private Task<HttpContext> AskWithBodyAsync(string method, string target, string body, params (string Name, string Value)[] headers) =>
        factory.Server.SendAsync(c =>
        {
            var mark = target.IndexOf('?', StringComparison.Ordinal);
            var rawPath = mark < 0 ? target : target[..mark];
            c.Request.Method = method;
            c.Request.Path = Uri.UnescapeDataString(rawPath);
            c.Request.QueryString = new QueryString(mark < 0 ? string.Empty : target[mark..]);
            c.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget = target;
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
            c.Request.ContentLength = c.Request.Body.Length;
            foreach (var (name, value) in headers)
            {
                c.Request.Headers.Append(name, value);
            }
            c.Connection.LocalPort = GatewayFactory.ForwardAuthPort;
        }, Ct);

    private static async Task AssertInvalidQuestionAsync(HttpContext answer)
    {
        Assert.Equal(StatusCodes.Status400BadRequest, answer.Response.StatusCode);
        using var reader = new StreamReader(answer.Response.Body);
        Assert.Contains("\"title\":\"Invalid forward-auth question\"", await reader.ReadToEndAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>The key's first admitted question still sees its full bucket: nothing before it spent a token.</summary>
    private async Task AssertNothingSpentAsync(IssuedKey key)
    {
        using var client = factory.CreateKeyClient(key.Plaintext, GatewayEntry.ForwardAuth);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(";r=99;", Header(response, "RateLimit"), StringComparison.Ordinal);
    }

    private static double Count(string metrics, string keyId, string route, string status) => metrics.Split('\n')
        .Where(line => line.StartsWith("gateway_requests_total{", StringComparison.Ordinal)
            && line.Contains($"key_id=\"{keyId}\"", StringComparison.Ordinal)
            && line.Contains($"route=\"{route}\"", StringComparison.Ordinal)
            && line.Contains($"status=\"{status}\"", StringComparison.Ordinal))
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static string Header(HttpResponseMessage response, string name) => string.Join(", ", response.Headers.GetValues(name));
}
