using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ApiGateway.AdminApi.Tests.WebConsole;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;

namespace ApiGateway.AdminApi.Tests.Portal;

/// <summary>
/// The self-serve key page's sessions, cookie, CSRF and isolation, with a plain HttpClient (cookie jar, no redirects)
/// against real Kestrel and a fake clock: what a browser would not do, and forged requests.
/// </summary>
public sealed class PortalSecurityTests(PortalAppFixture app) : IClassFixture<PortalAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateSession_Valid_Returns201WithOneTimeUrlAndAuditsWithoutToken()
    {
        using var client = app.AdminClient();
        using var response = await client.PostAsJsonAsync("/v1/portal-sessions",
            new { workspaceId = "ws_audit", owner = "user_1", allowedScopes = new[] { "contacts:read" } }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var url = body.RootElement.GetProperty("url").GetString()!;
        Assert.StartsWith(app.BaseAddress.GetLeftPart(UriPartial.Authority) + "/portal/start/", url, StringComparison.Ordinal);
        var token = url[(url.LastIndexOf('/') + 1)..];
        Assert.Equal(43, token.Length);
        Assert.Equal(app.Clock.GetUtcNow().AddSeconds(300).ToUnixTimeMilliseconds(), body.RootElement.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var audit = await app.Service<IKeyStore>().ListAuditAsync(new AuditQuery(null, AuditActions.PortalSessionCreated, 100, 0), Ct);
        var created = Assert.Single(audit.Items, e => e.Details!.Contains("ws_audit", StringComparison.Ordinal));
        Assert.Equal("bootstrap", created.Actor.Name);
        Assert.DoesNotContain(token, created.Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":["contacts:*"]}""", "allowedScopes")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":["nothing:read"]}""", "allowedScopes")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":[]}""", "allowedScopes")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u"}""", "allowedScopes")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":["*"],"ttlSeconds":3601}""", "ttlSeconds")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":["*"],"ttlSeconds":0}""", "ttlSeconds")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":["*"],"returnUrl":"http://app.example.com/settings"}""", "returnUrl")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":["*"],"returnUrl":"javascript:alert(1)"}""", "returnUrl")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":["*"],"returnUrl":"https://user:pw@app.example.com/"}""", "returnUrl")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","allowedScopes":["*"],"returnUrl":"/settings"}""", "returnUrl")]
    [InlineData("""{"owner":"u","allowedScopes":["*"]}""", "workspaceId")]
    [InlineData("""{"workspaceId":"ws_x","allowedScopes":["*"]}""", "owner")]
    [InlineData("""{"workspaceId":"ws_x","owner":"has space","allowedScopes":["*"]}""", "owner")]
    [InlineData("""{"workspaceId":"ws_x","owner":"u","displayName":"a\u202Eb","allowedScopes":["*"]}""", "displayName")]
    public async Task CreateSession_Invalid_Returns400NamingTheField(string json, string field)
    {
        using var client = app.AdminClient();
        using var response = await client.PostAsync("/v1/portal-sessions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty(field, out _), body.RootElement.ToString());
    }

    [Theory]
    [InlineData("https://app.example.com/settings/keys")]
    [InlineData("http://localhost:3000/settings")]
    [InlineData("http://127.0.0.1:3000/")]
    [InlineData("http://[::1]:3000/")]
    public async Task CreateSession_HttpsOrLoopbackReturnUrl_Accepted(string returnUrl)
    {
        var start = await app.OpenSessionAsync("ws_return", "user_r", ["*:read"], returnUrl: returnUrl);
        Assert.Equal("/portal/start", start.AbsolutePath[..13]);
    }

    [Fact]
    public async Task OpenApi_DocumentsCreatePortalSession()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct));
        var post = document.RootElement.GetProperty("paths").GetProperty("/v1/portal-sessions").GetProperty("post");
        Assert.Equal("CreatePortalSession", post.GetProperty("operationId").GetString());
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("400", out _));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.DoesNotContain(paths, p => p.StartsWith("/portal", StringComparison.Ordinal)); // the pages are not API
    }

    [Fact]
    public async Task CreateSession_WithoutAdminCredential_Returns401()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await client.PostAsJsonAsync("/v1/portal-sessions", new { workspaceId = "w", owner = "u", allowedScopes = new[] { "*" } }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Start_TradesTokenOnceForLaxHttpOnlyCookieOnPortalPath()
    {
        var start = await app.OpenSessionAsync("ws_cookie", "user_c", ["contacts:read"]);
        using var session = new ConsoleHttpSession(app.BaseAddress);

        using var first = await session.Client.GetAsync(start, Ct);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/portal", first.Headers.Location?.OriginalString);
        var cookie = Assert.Single(first.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".agw.portal=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/portal", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here: Secure only over HTTPS
        var expires = DateTimeOffset.Parse(cookie.Split(';').Single(p => p.Trim().StartsWith("expires=", StringComparison.OrdinalIgnoreCase)).Trim()[8..],
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(expires <= app.Clock.GetUtcNow().AddHours(1), $"cookie expires {expires}");
        using var page = await session.Client.GetAsync(new Uri("/portal", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        using var again = await new HttpClient { BaseAddress = app.BaseAddress }.GetAsync(start, Ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("text/html", again.Content.Headers.ContentType?.MediaType);
        Assert.False(again.Headers.TryGetValues("Set-Cookie", out _));
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("short")]
    [InlineData("%2e%2e")]
    public async Task Start_UnknownToken_ReturnsPlain404Page(string token)
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var response = await session.Client.GetAsync(new Uri("/portal/start/" + token, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no longer valid", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AfterTtl_Returns404()
    {
        var start = await app.OpenSessionAsync("ws_ttl", "user_t", ["contacts:read"], ttlSeconds: 60);
        app.Clock.Advance(TimeSpan.FromSeconds(60));
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var response = await session.Client.GetAsync(start, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Session_EndsAfterTwelveTimesTtl_ThenPortalIs404()
    {
        var start = await app.OpenSessionAsync("ws_life", "user_l", ["contacts:read"], ttlSeconds: 60);
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var started = await session.Client.GetAsync(start, Ct);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(12) - TimeSpan.FromSeconds(1));
        using var before = await session.Client.GetAsync(new Uri("/portal", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        using var after = await session.Client.GetAsync(new Uri("/portal", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task Portal_WithoutSession_Returns404AndNoAdminCredentialWorks()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var anonymous = await session.Client.GetAsync(new Uri("/portal", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);

        // An admin credential is no way in either: the portal takes only its own cookie.
        session.Client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {app.BootstrapKey}");
        using var bearer = await session.Client.GetAsync(new Uri("/portal", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, bearer.StatusCode);
    }

    [Fact]
    public async Task PortalCookie_GrantsNoAdminApiOrConsole()
    {
        using var session = await StartAsync("ws_powers", "user_p", ["*"]);
        var cookie = session.Cookies.GetCookies(new Uri(app.BaseAddress, "/portal")).Single(c => c.Name == ".agw.portal");
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", $"{cookie.Name}={cookie.Value}");

        using var keys = await client.GetAsync(new Uri("/v1/keys", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, keys.StatusCode);
        using var sessions = await client.PostAsJsonAsync("/v1/portal-sessions", new { workspaceId = "ws_powers", owner = "x", allowedScopes = new[] { "*" } }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, sessions.StatusCode);
        using var console = await client.GetAsync(new Uri("/console", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.StartsWith("/console/sign-in", console.Headers.Location?.PathAndQueryOrOriginal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_SendFrameAncestorsFromConfigAndNoStore()
    {
        using var session = await StartAsync("ws_headers", "user_h", ["contacts:read"]);
        foreach (var path in new[] { "/portal", "/portal/keys/new" })
        {
            using var response = await session.Client.GetAsync(new Uri(path, UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains($"frame-ancestors {PortalAppFixture.FrameAncestors};", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.False(response.Headers.Contains("X-Frame-Options")); // it cannot name app.example.com
            Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CreateKey_WithoutAntiforgeryToken_Returns400AndMintsNothing()
    {
        using var session = await StartAsync("ws_csrf", "user_csrf", ["contacts:read"]);
        using var response = await session.Client.PostAsync("/portal/keys/new", ConsoleHttpSession.Form(
            ("Input.Name", "csrf"), ("Input.Scopes", "contacts:read"), ("Input.Submission", Guid.NewGuid().ToString("N"))), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await ListAsync("ws_csrf", "user_csrf")).Items);
    }

    [Fact]
    public async Task CreateKey_ConsoleTokenInPortalForm_Refused()
    {
        // A token is bound to its surface's identity: one minted for a console sign-in does not pass the portal.
        using var console = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await console.SignInAsync(app.BootstrapKey, Ct);
        var consoleToken = await console.TokenFromAsync("/console/keys/new", Ct);
        using var session = await StartAsync("ws_cross", "user_cross", ["contacts:read"]);
        foreach (var cookie in console.Cookies.GetAllCookies().Where(c => c.Name == ".agw.af"))
        {
            session.Cookies.Add(new Uri(app.BaseAddress, "/"), new Cookie(cookie.Name, cookie.Value, "/"));
        }

        using var response = await session.Client.PostAsync("/portal/keys/new", ConsoleHttpSession.Form(
            ("Input.Name", "cross"), ("Input.Scopes", "contacts:read"), ("Input.Submission", Guid.NewGuid().ToString("N")),
            ("__RequestVerificationToken", consoleToken)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await ListAsync("ws_cross", "user_cross")).Items);
    }

    [Fact]
    public async Task CreateKey_ScopeOutsideAllowedScopes_RefusedOnTheServer()
    {
        using var session = await StartAsync("ws_scope", "user_s", ["contacts:read", "*:read"]);
        var form = await session.Client.GetStringAsync(new Uri("/portal/keys/new", UriKind.Relative), Ct);
        Assert.Contains("value=\"invoices:read\"", form, StringComparison.Ordinal); // *:read offers every read scope
        Assert.DoesNotContain("value=\"contacts:write\"", form, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"*\"", form, StringComparison.Ordinal);

        foreach (var forged in new[] { "contacts:write", "*", "payments:write" })
        {
            using var response = await PostCreateAsync(session, "forged", forged);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("Pick from the list", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Empty((await ListAsync("ws_scope", "user_s")).Items);
    }

    [Fact]
    public async Task CreateKey_OwnerAtCap_Returns409WithClearMessage()
    {
        using var session = await StartAsync("ws_cap", "user_cap", ["contacts:read"]);
        for (var i = 0; i < 3; i++)
        {
            using var created = await PostCreateAsync(session, $"key-{i}", "contacts:read");
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }
        using var refused = await PostCreateAsync(session, "one-too-many", "contacts:read");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("You already have 3 active keys, the most allowed. Revoke one", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
        Assert.Equal(3, (await ListAsync("ws_cap", "user_cap")).Items.Count);
    }

    [Fact]
    public async Task CreateAndRevoke_AuditedWithPortalActorAndSession()
    {
        using var session = await StartAsync("ws_actor", "user_a", ["contacts:read"], displayName: "Ada Lovelace");
        using var created = await PostCreateAsync(session, "audited", "contacts:read");
        var key = Assert.Single((await ListAsync("ws_actor", "user_a")).Items);
        using var revoked = await PostRevokeAsync(session, key.Id);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);

        var admin = Assert.Single(await app.Service<IAdminCredentialStore>().ListAsync(Ct), a => a.Name == "bootstrap");
        var events = (await app.Service<IKeyStore>().ListAuditAsync(new AuditQuery(key.Id, null, 10, 0), Ct)).Items;
        Assert.Equal([AuditActions.KeyRevoked, AuditActions.KeyCreated], events.Select(e => e.Action));
        foreach (var e in events)
        {
            Assert.Equal(new Actor("portal:user_a", "Ada Lovelace"), e.Actor);
            using var details = JsonDocument.Parse(e.Details!);
            Assert.Equal(admin.Id, details.RootElement.GetProperty("session").GetString());
        }
    }

    [Fact]
    public async Task Session_CannotSeeOrTouchAnotherOwnersOrWorkspacesKeys()
    {
        var mutations = app.Service<KeyMutationService>();
        var otherOwner = await MintAsync(mutations, "ws_iso", "mallory");
        var otherWorkspace = await MintAsync(mutations, "ws_iso_other", "alice");
        var noOwner = await MintAsync(mutations, "ws_iso", null);
        using var session = await StartAsync("ws_iso", "alice", ["*"]);
        using var mine = await PostCreateAsync(session, "mine", "contacts:read");
        var own = Assert.Single((await ListAsync("ws_iso", "alice")).Items);

        var list = await session.Client.GetStringAsync(new Uri("/portal", UriKind.Relative), Ct);
        Assert.Contains(own.Prefix, list, StringComparison.Ordinal);
        foreach (var foreign in new[] { otherOwner, otherWorkspace, noOwner })
        {
            Assert.DoesNotContain(foreign.Prefix, list, StringComparison.Ordinal);
            Assert.DoesNotContain(foreign.Id, list, StringComparison.Ordinal);
            using var confirm = await session.Client.GetAsync(new Uri($"/portal/keys/{foreign.Id}/revoke", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.NotFound, confirm.StatusCode);
            using var revoke = await PostRevokeAsync(session, foreign.Id);
            Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
            Assert.Null((await app.Service<IKeyStore>().GetAsync(foreign.Id, Ct))!.RevokedAt);
        }
        // The revoked-notice query names nothing that is not the session's.
        var notice = await session.Client.GetStringAsync(new Uri($"/portal?revoked={otherOwner.Id}", UriKind.Relative), Ct);
        Assert.DoesNotContain(otherOwner.Name, notice, StringComparison.Ordinal);
    }

    private async Task<ConsoleHttpSession> StartAsync(string workspaceId, string owner, string[] allowedScopes, string? displayName = null)
    {
        var start = await app.OpenSessionAsync(workspaceId, owner, allowedScopes, displayName: displayName);
        var session = new ConsoleHttpSession(app.BaseAddress);
        using var started = await session.Client.GetAsync(start, Ct);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        return session;
    }

    private static async Task<HttpResponseMessage> PostCreateAsync(ConsoleHttpSession session, string name, string scope)
    {
        var token = await session.TokenFromAsync("/portal/keys/new", Ct);
        return await session.Client.PostAsync("/portal/keys/new", ConsoleHttpSession.Form(
            ("Input.Name", name), ("Input.Scopes", scope), ("Input.ExpiresInDays", "90"),
            ("Input.Submission", Guid.NewGuid().ToString("N")), ("__RequestVerificationToken", token)), Ct);
    }

    private static async Task<HttpResponseMessage> PostRevokeAsync(ConsoleHttpSession session, string keyId)
    {
        // The token of the session's own list page: a real token, with a forged key id.
        var token = await session.TokenFromAsync("/portal", Ct);
        return await session.Client.PostAsync($"/portal/keys/{keyId}/revoke", ConsoleHttpSession.Form(("__RequestVerificationToken", token)), Ct);
    }

    private Task<KeyPage> ListAsync(string workspaceId, string owner) =>
        app.Service<IKeyStore>().ListAsync(new KeyQuery(workspaceId, owner, null, 100, 0), Ct);

    private static async Task<ApiKey> MintAsync(KeyMutationService mutations, string workspaceId, string? owner)
    {
        var spec = new KeySpec("foreign-" + Guid.NewGuid().ToString("N")[..6], workspaceId, ["contacts:read"], owner,
            ApiGateway.Keys.Format.KeyMode.Live, null, null, null, null, [], []);
        return (await mutations.CreateAsync(spec, Actor.System, Ct)).Issued!.Key;
    }
    [Fact]
    public async Task Assets_SharedScriptAndTheme_ServedAnonymouslyUnderTheirArea()
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress }; // no session: sign-in and not-found pages use it too
        using var portal = await client.GetAsync(new Uri("/portal/assets/enhancements.js", UriKind.Relative), Ct);
        using var console = await client.GetAsync(new Uri("/console/assets/enhancements.js", UriKind.Relative), Ct);
        using var theme = await client.GetAsync(new Uri("/portal/assets/theme.css", UriKind.Relative), Ct);

        foreach (var (response, contentType) in new[] { (portal, "text/javascript"), (console, "text/javascript"), (theme, "text/css") })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(contentType + "; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.True(response.Headers.CacheControl?.NoCache);
        }
        Assert.Equal(await File.ReadAllTextAsync(app.ThemeFile, Ct), await theme.Content.ReadAsStringAsync(Ct));
        var script = await portal.Content.ReadAsStringAsync(Ct);
        Assert.Contains("[data-secret-view]", script, StringComparison.Ordinal);
        Assert.Equal(script, await console.Content.ReadAsStringAsync(Ct));
        // Each area serves only its own files and the shared one.
        using var foreign = await client.GetAsync(new Uri("/portal/assets/console.css", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }
}
