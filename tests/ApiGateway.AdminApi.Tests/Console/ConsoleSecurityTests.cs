using System.Net;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>The console's session, CSRF and caching rules, checked with a plain HttpClient against real Kestrel.</summary>
public sealed class ConsoleSecurityTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Root_Get_RedirectsToConsole()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var response = await session.Client.GetAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/favicon.ico")]
    [InlineData("/console/assets/favicon.svg")]
    public async Task Favicon_NotSignedIn_ServedNot401(string path)
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var response = await session.Client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_NotSignedIn_RedirectsToSignIn()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var response = await session.Client.GetAsync(new Uri("/console", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/console/sign-in", response.Headers.Location?.PathAndQueryOrOriginal(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_ValidCredential_SetsStrictHttpOnlyConsoleCookie()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var response = await session.SignInAsync(app.BootstrapKey, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".agw.console=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/console", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here: SameAsRequest
        Assert.DoesNotContain(app.BootstrapKey, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongCredential_RefusedWithoutSession()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var response = await session.SignInAsync("agw_admin_not-a-real-credential", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not valid", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".agw.console=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CreateKey_PostWithoutAntiforgeryToken_Returns400AndCreatesNothing()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var name = "csrf-" + Guid.NewGuid().ToString("N")[..8];

        using var response = await session.Client.PostAsync("/console/keys/new", ConsoleHttpSession.Form(
            ("Input.Name", name), ("Input.Workspace", "ws_csrf"), ("Input.Scopes", "contacts:read"),
            ("Input.Mode", "live"), ("Input.Submission", Guid.NewGuid().ToString("N"))), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var keys = await app.Service<IKeyStore>().ListAsync(new KeyQuery("ws_csrf", null, null, 100, 0), Ct);
        Assert.DoesNotContain(keys.Items, k => k.Name == name);
    }

    [Fact]
    public async Task CreateKey_PostWithToken_ShowsSecretOnceUncached()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        var token = await session.TokenFromAsync("/console/keys/new", Ct);
        var name = "once-" + Guid.NewGuid().ToString("N")[..8];
        var submission = Guid.NewGuid().ToString("N");
        var form = new[]
        {
            ("Input.Name", name), ("Input.Workspace", "ws_once"), ("Input.Scopes", "contacts:read"), ("Input.Mode", "test"),
            ("Input.Submission", submission), ("__RequestVerificationToken", token),
        };

        using var response = await session.Client.PostAsync("/console/keys/new", ConsoleHttpSession.Form(form), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Contains("You will not see it again", html, StringComparison.Ordinal);
        var key = Assert.Single((await app.Service<IKeyStore>().ListAsync(new KeyQuery("ws_once", null, null, 100, 0), Ct)).Items, k => k.Name == name);
        Assert.Contains($"value=\"{key.Prefix}", html, StringComparison.Ordinal);
        var listing = await session.Client.GetStringAsync(new Uri("/console?q=" + name, UriKind.Relative), Ct);
        Assert.Contains(key.Prefix, listing, StringComparison.Ordinal);
        Assert.DoesNotContain($"value=\"{key.Prefix}", listing, StringComparison.Ordinal);

        // The same form sent again (back, then resend) mints nothing.
        using var again = await session.Client.PostAsync("/console/keys/new", ConsoleHttpSession.Form(form), Ct);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Single((await app.Service<IKeyStore>().ListAsync(new KeyQuery("ws_once", null, null, 100, 0), Ct)).Items, k => k.Name == name);
    }

    [Fact]
    public async Task SignOut_PostWithoutAntiforgeryToken_Returns400()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        using var response = await session.Client.PostAsync("/console/sign-out", ConsoleHttpSession.Form(), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Pages_StoredTextWithBidiOverrides_IsIsolatedWherePeopleReadIt()
    {
        // Rows written before names were restricted (the issuer itself does not validate): an override that would
        // show "invoice" + reversed "exe.txt", an owner and an admin name with their own overrides, a leak report's source.
        const string Name = "invoice\u202Etxt.exe";
        const string Owner = "own\u202Eer";
        const string AdminName = "ops\u2067\u05D0";
        var issuer = app.Service<KeyMutationService>();
        var admin = await issuer.CreateAdminAsync(AdminName, AdminRole.Admin, Actor.System, Ct);
        var spec = new KeySpec(Name, "ws_bidi", ["contacts:read"], Owner, ApiGateway.Keys.Format.KeyMode.Live, null, null, null, null, [], []);
        var issued = (await issuer.CreateAsync(spec, new Actor(admin.Credential.Id, AdminName), Ct)).Issued!;
        var key = issued.Key;
        // A leak report's source is reporter-supplied text too (the key page and the list's marker show it).
        const string LeakSource = "scan\u202Eer";
        await issuer.ReportLeakAsync(app.Service<KeyHasher>().Hash(issued.Plaintext), LeakAction.Flag, new LeakReport(LeakSource, null), Actor.System, Ct);
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(admin.Plaintext, Ct);

        foreach (var path in new[] { "/console?workspace=ws_bidi", "/console/audit", $"/console/keys/{key.Id}", $"/console/keys/{key.Id}/revoke", $"/console/keys/{key.Id}/rotate" })
        {
            var html = WebUtility.HtmlDecode(await session.Client.GetStringAsync(new Uri(path, UriKind.Relative), Ct));
            var shown = 0;
            foreach (var text in new[] { Name, Owner, AdminName, LeakSource })
            {
                for (var at = html.IndexOf(text, StringComparison.Ordinal); at >= 0; at = html.IndexOf(text, at + 1, StringComparison.Ordinal))
                {
                    shown++;
                    var before = html[..at];
                    var after = html[(at + text.Length)..];
                    var isolated = (before.EndsWith("<bdi>", StringComparison.Ordinal) && after.StartsWith("</bdi>", StringComparison.Ordinal))
                        || (before.EndsWith("<bdi class=\"mono\">", StringComparison.Ordinal) && after.StartsWith("</bdi>", StringComparison.Ordinal))
                        || IsAttributeValue(before);
                    Assert.True(isolated, $"{path}: '{text}' shown without isolation: …{before[^Math.Min(60, before.Length)..]}|{after[..Math.Min(30, after.Length)]}…");
                }
            }
            Assert.True(shown > 0, $"{path} shows none of the stored texts");
        }
    }

    /// <summary>Inside an attribute (aria-label, data-name, value) text is not laid out, so it cannot reorder a page.</summary>
    private static bool IsAttributeValue(string before)
    {
        var tagStart = before.LastIndexOf('<');
        return tagStart > before.LastIndexOf('>') && before[tagStart..].Count(c => c == '"') % 2 == 1;
    }

    [Fact]
    public async Task Session_CredentialRevoked_SignedOut()
    {
        var issued = await app.Service<KeyMutationService>().CreateAdminAsync("temp-operator", AdminRole.Admin, Actor.System, Ct);
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(issued.Plaintext, Ct);
        using var before = await session.Client.GetAsync(new Uri("/console", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await app.Service<KeyMutationService>().RevokeAdminAsync(issued.Credential.Id, Actor.System, Ct);

        using var after = await session.Client.GetAsync(new Uri("/console", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/console/sign-in", after.Headers.Location?.PathAndQueryOrOriginal(), StringComparison.Ordinal);
    }
}

internal static class UriTestExtensions
{
    public static string PathAndQueryOrOriginal(this Uri uri) => uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
}
