using System.Net;
using System.Text.Json;
using ApiGateway.Keys.Format;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace ApiGateway.Gateway.Tests.Scopes;

/// <summary>
/// Scopes per method, wildcards, IP allow-lists, workspace selection and live-only routes: once at the edge, once as
/// forward-auth questions (the same decision, docs/forward-auth.md).
/// </summary>
public abstract class RouteAccessCheckTests(GatewayFactory factory, GatewayEntry entry) : IClassFixture<GatewayFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> SendAsync(string key, HttpMethod method, string path, Action<HttpRequestMessage>? configure = null)
    {
        using var client = factory.CreateKeyClient(key, entry);
        using var request = new HttpRequestMessage(method, path);
        configure?.Invoke(request);
        return await client.SendAsync(request, Ct);
    }

    /// <summary>
    /// <c>/v1/contacts</c> names a resource (read for GET, HEAD and OPTIONS, write for the rest; <c>*:read</c> reads every
    /// resource); <c>/v1/invoices</c> adds a per-method override (<c>Scopes.DELETE</c>) that replaces the route's scopes.
    /// </summary>
    [Theory]
    [InlineData("/v1/contacts/1", "GET", "contacts:read", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "HEAD", "contacts:read", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "OPTIONS", "contacts:read", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "POST", "contacts:write", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "PUT", "contacts:write", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "PATCH", "contacts:write", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "DELETE", "contacts:write", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "POST", "contacts:read", HttpStatusCode.Forbidden)]
    [InlineData("/v1/contacts/1", "GET", "contacts:write", HttpStatusCode.Forbidden)]
    [InlineData("/v1/contacts/1", "OPTIONS", "contacts:write", HttpStatusCode.Forbidden)]
    [InlineData("/v1/contacts/1", "GET", "*", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "DELETE", "*", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "GET", "*:read", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "OPTIONS", "*:read", HttpStatusCode.OK)]
    [InlineData("/v1/contacts/1", "POST", "*:read", HttpStatusCode.Forbidden)]
    [InlineData("/v1/invoices/7", "GET", "invoices:read", HttpStatusCode.OK)]
    [InlineData("/v1/invoices/7", "PUT", "invoices:read", HttpStatusCode.OK)]
    [InlineData("/v1/invoices/7", "POST", "invoices:write", HttpStatusCode.OK)]
    [InlineData("/v1/invoices/7", "POST", "invoices:read", HttpStatusCode.Forbidden)]
    [InlineData("/v1/invoices/7", "DELETE", "invoices:delete", HttpStatusCode.OK)]
    [InlineData("/v1/invoices/7", "DELETE", "invoices:read", HttpStatusCode.Forbidden)]
    [InlineData("/v1/invoices/7", "DELETE", "invoices:write", HttpStatusCode.Forbidden)]
    public async Task Request_ScopeTheRouteRequiresForTheMethod_ForwardedElse403(string path, string method, string scope, HttpStatusCode expected)
    {
        var key = await factory.MintAsync([scope]);
        using var response = await SendAsync(key.Plaintext, new HttpMethod(method), path);
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/v1/contacts/1", "contacts:write")]
    [InlineData("GET", "/v1/ledger/x", "ledger:read audit:read")]
    public async Task Request_ScopesMissing_Returns403NamingThemSpaceSeparated(string method, string path, string missing)
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var response = await SendAsync(key.Plaintext, new HttpMethod(method), path);
        var detail = await ProblemAssert.HasAsync(response, 403, "Insufficient scope", "insufficient-scope",
            $"Bearer error=\"insufficient_scope\", scope=\"{missing}\"");
        Assert.All(missing.Split(' '), scope => Assert.Contains(scope, detail, StringComparison.Ordinal));
        Assert.DoesNotContain(key.Plaintext, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_AllRequiredScopesHeld_Forwarded()
    {
        var key = await factory.MintAsync(["ledger:read", "audit:read"]);
        using var response = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/ledger/x");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("reports:read")]
    [InlineData("*")]
    public async Task Request_MethodTheRouteMapsToNoScope_Returns403(string scope)
    {
        var key = await factory.MintAsync([scope]);
        using (var get = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/reports/q1"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }
        using var response = await SendAsync(key.Plaintext, HttpMethod.Post, "/v1/reports/q1");
        await ProblemAssert.HasAsync(response, 403, "Insufficient scope", "insufficient-scope", "Bearer error=\"insufficient_scope\"");
    }

    [Fact]
    public async Task Request_MethodOverrideHeader_ScopeFollowsRealMethod()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        using var response = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/contacts/1",
            r => r.Headers.Add("X-HTTP-Method-Override", "DELETE"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (entry == GatewayEntry.Edge)
        {
            var received = factory.Upstream.Received.Last(r => r.Path == "/v1/contacts/1");
            Assert.Equal("GET", received.Method);
            Assert.Null(received.Header("X-HTTP-Method-Override"));
        }
    }

    [Theory]
    [InlineData(KeyMode.Test, HttpStatusCode.Forbidden)]
    [InlineData(KeyMode.Live, HttpStatusCode.OK)]
    public async Task Request_LiveOnlyRoute_OnlyLiveKeysForwarded(KeyMode mode, HttpStatusCode expected)
    {
        var key = await factory.MintAsync(["payments:read"], mode: mode);
        using var response = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/payments/1");
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            await ProblemAssert.HasAsync(response, 403, "Test keys are not allowed on this route", "test-key-not-allowed");
        }
    }

    [Fact]
    public async Task Request_MultiWorkspaceKey_SelectsByHeaderOrQuery()
    {
        var key = await factory.MintAsync(["contacts:read"], workspaceId: "ws_a", workspaces: ["ws_b", "ws_c"]);
        System.Net.Http.Headers.HttpResponseHeaders byDefaultHeaders, byHeaderHeaders, byQueryHeaders, bothHeaders;

        using (var byDefault = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/contacts/default"))
        {
            Assert.Equal(HttpStatusCode.OK, byDefault.StatusCode);
            byDefaultHeaders = byDefault.Headers;
        }
        using (var byHeader = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/contacts/header", r => r.Headers.Add("x-workspace-id", "ws_b")))
        {
            Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
            byHeaderHeaders = byHeader.Headers;
        }
        using (var byQuery = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/contacts/query?workspace_id=ws_c"))
        {
            Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
            byQueryHeaders = byQuery.Headers;
        }
        using (var both = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/contacts/both?workspace_id=ws_b", r => r.Headers.Add("X-Workspace-Id", "ws_b")))
        {
            Assert.Equal(HttpStatusCode.OK, both.StatusCode);
            bothHeaders = both.Headers;
        }

        Assert.Equal("ws_a", WorkspaceOf(byDefaultHeaders, "/v1/contacts/default"));
        Assert.Equal("ws_b", WorkspaceOf(byHeaderHeaders, "/v1/contacts/header"));
        Assert.Equal("ws_c", WorkspaceOf(byQueryHeaders, "/v1/contacts/query"));
        Assert.Equal("ws_b", WorkspaceOf(bothHeaders, "/v1/contacts/both"));
    }

    /// <summary>
    /// Selectors that disagree (header and query, a repeated parameter, a comma-joined header, two spellings of the
    /// parameter) are a 400; a workspace the key does not hold (exact case) is a 403. Every spelling an upstream reads as
    /// <c>workspace_id</c> (PHP turns <c>.</c>, space and <c>[</c> into <c>_</c>, trims leading spaces and cuts at NUL;
    /// Rack splits at <c>;</c>) selects the workspace at the gateway too: before, those were forwarded while the gateway
    /// picked the key's primary workspace.
    /// </summary>
    [Theory]
    [InlineData("/v1/contacts/1?workspace_id=ws_c", "ws_b", 400)]
    [InlineData("/v1/contacts/1?workspace_id=ws_b&workspace_id=ws_c", null, 400)]
    [InlineData("/v1/contacts/1", "ws_b, ws_c", 400)]
    [InlineData("/v1/contacts/1?workspace_id=ws_a&workspace.id=ws_evil", null, 400)] // PHP takes the last one
    [InlineData("/v1/contacts/1?workspace_id=ws_b;workspace_id[]=ws_a", null, 400)]
    [InlineData("/v1/contacts/1?workspace_id=ws_other", null, 403)]
    [InlineData("/v1/contacts/1", "ws_other", 403)]
    [InlineData("/v1/contacts/1", "WS_A", 403)]
    [InlineData("/v1/contacts/1?workspace.id=ws_evil", null, 403)]
    [InlineData("/v1/contacts/1?workspace_id%5B%5D=ws_evil", null, 403)]
    [InlineData("/v1/contacts/1?workspace_id[]=ws_evil", null, 403)]
    [InlineData("/v1/contacts/1?a=1;workspace_id=ws_evil", null, 403)]
    [InlineData("/v1/contacts/1?workspace_id%00=ws_evil", null, 403)]
    [InlineData("/v1/contacts/1?%20workspace_id=ws_evil", null, 403)]
    [InlineData("/v1/contacts/1?workspace+id=ws_evil", null, 403)]
    [InlineData("/v1/contacts/1?Workspace-ID=ws_evil", null, 403)]
    [InlineData("/v1/contacts/1?workspace_id=ws%5Fevil", null, 403)]
    public async Task Request_WorkspaceSelectorsConflictingOrNotHeld_400Or403(string path, string? header, int status)
    {
        var key = await factory.MintAsync(["contacts:read"], workspaceId: "ws_a", workspaces: ["ws_b", "ws_c"]);
        using var response = await SendAsync(key.Plaintext, HttpMethod.Get, path, r =>
        {
            if (header is not null)
            {
                r.Headers.TryAddWithoutValidation("X-Workspace-Id", header);
            }
        });
        if (status == 400)
        {
            await ProblemAssert.HasAsync(response, 400, "Conflicting workspace selection", "ambiguous-workspace");
        }
        else
        {
            await ProblemAssert.HasAsync(response, 403, "Workspace not allowed for this key", "workspace-not-allowed");
        }
    }

    [Fact]
    public async Task Request_WorkspaceParameterInAnotherSpelling_Held_SelectsIt()
    {
        var key = await factory.MintAsync(["contacts:read"], workspaceId: "ws_a", workspaces: ["ws_b"]);
        using var response = await SendAsync(key.Plaintext, HttpMethod.Get, "/v1/contacts/dotted?workspace.id=ws_b");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ws_b", WorkspaceOf(response.Headers, "/v1/contacts/dotted"));
    }

    [Theory]
    [InlineData("203.0.113.7", null, HttpStatusCode.OK)]
    [InlineData("203.0.113.8", null, HttpStatusCode.Forbidden)]
    [InlineData("::ffff:203.0.113.7", null, HttpStatusCode.OK)]
    // From a trusted proxy, the right-most untrusted X-Forwarded-For hop is the client.
    [InlineData("10.0.0.5", "203.0.113.7", HttpStatusCode.OK)]
    [InlineData("10.0.0.5", "203.0.113.7, 10.1.1.1", HttpStatusCode.OK)]
    [InlineData("10.0.0.5", "198.51.100.1, 203.0.113.7", HttpStatusCode.OK)]
    [InlineData("10.0.0.5", "203.0.113.7, 198.51.100.1", HttpStatusCode.Forbidden)]
    [InlineData("10.0.0.5", "garbage", HttpStatusCode.Forbidden)]
    // From an untrusted client, X-Forwarded-For is ignored.
    [InlineData("198.51.100.1", "203.0.113.7", HttpStatusCode.Forbidden)]
    public async Task Request_IpAllowList_UsesTrustedForwardedFor(string remote, string? forwardedFor, HttpStatusCode expected)
    {
        var key = await factory.MintAsync(["contacts:read"], allowedIps: ["203.0.113.7/32", "2001:db8::/32"]);
        var context = await factory.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/v1/contacts/ip";
            c.Request.Headers.Authorization = $"Bearer {key.Plaintext}";
            if (forwardedFor is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
            c.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        }, entry, Ct);
        Assert.Equal((int)expected, context.Response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            using var json = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: Ct);
            Assert.Equal("IP address not allowed for this key", json.RootElement.GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task Request_NoAllowList_AnyIpAccepted()
    {
        var key = await factory.MintAsync(["contacts:read"]);
        var context = await factory.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/v1/contacts/any";
            c.Request.Headers.Authorization = $"Bearer {key.Plaintext}";
            c.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.200");
        }, entry, Ct);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }


    /// <summary>The workspace the key acted in: what the upstream received at the edge, what the answer says to the asking proxy.</summary>
    private string? WorkspaceOf(System.Net.Http.Headers.HttpResponseHeaders answer, string path) => entry == GatewayEntry.Edge
        ? factory.Upstream.Received.Last(r => r.Path == path).Header("X-Workspace-Id")
        : answer.TryGetValues("X-Workspace-Id", out var values) ? values.Single() : null;
}

public sealed class EdgeRouteAccessCheckTests(GatewayFactory factory) : RouteAccessCheckTests(factory, GatewayEntry.Edge);

public sealed class ForwardAuthRouteAccessCheckTests(GatewayFactory factory) : RouteAccessCheckTests(factory, GatewayEntry.ForwardAuth);
