using System.Net;
using ApiGateway.AdminApi.WebConsole;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>
/// The console's key page and its Disable/Enable actions (through the same mutation service as <c>PATCH enabled</c>, with
/// the console's CSRF protection), disabled keys listed as live, and the leak marker.
/// </summary>
public sealed class ConsoleKeyDetailsTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DisableThenEnable_WithToken_AuditedWithTheConsoleActorAndListedAsLive()
    {
        var operatorCredential = await app.Service<KeyMutationService>().CreateAdminAsync("console-operator", AdminRole.Admin, Actor.System, Ct);
        var workspace = "ws_pause_" + Guid.NewGuid().ToString("N")[..8];
        var key = await MintAsync("paused", workspace);
        using var session = new ConsoleHttpSession(app.BaseAddress);
        (await session.SignInAsync(operatorCredential.Plaintext, Ct)).Dispose();

        using var disabled = await PostAsync(session, $"/console/keys/{key.Id}?handler=disable", await session.TokenFromAsync("/console", Ct));

        Assert.Equal(HttpStatusCode.Redirect, disabled.StatusCode);
        Assert.Equal("/console", disabled.Headers.Location?.OriginalString);
        Assert.NotNull((await app.Service<IKeyStore>().GetAsync(key.Id, Ct))!.DisabledAt);
        var disableEvent = Assert.Single(await AuditAsync(key.Id, AuditActions.KeyDisabled));
        Assert.Equal(operatorCredential.Credential.Id, disableEvent.Actor.Id);
        Assert.Equal("console-operator", disableEvent.Actor.Name);

        var listing = await session.Client.GetStringAsync(new Uri($"/console?workspace={workspace}", UriKind.Relative), Ct);
        Assert.Contains($"Disabled “\u2068paused\u2069” ({key.Prefix})", WebUtility.HtmlDecode(listing), StringComparison.Ordinal);
        var (live, ended) = Sections(listing);
        Assert.Contains(key.Id, live, StringComparison.Ordinal);
        Assert.Contains("badge status-disabled", live, StringComparison.Ordinal);
        Assert.Contains("Active and disabled keys", live, StringComparison.Ordinal);
        Assert.Contains($"aria-label=\"Enable paused\"", live, StringComparison.Ordinal);
        Assert.DoesNotContain($"aria-label=\"Rotate paused\"", live, StringComparison.Ordinal); // only an active key rotates
        Assert.DoesNotContain(key.Id, ended, StringComparison.Ordinal);
        var filtered = await session.Client.GetStringAsync(new Uri($"/console?workspace={workspace}&status=disabled", UriKind.Relative), Ct);
        Assert.Contains(key.Id, filtered, StringComparison.Ordinal);
        Assert.Contains("<option value=\"disabled\" selected=\"selected\">", filtered, StringComparison.Ordinal);
        var activeOnly = await session.Client.GetStringAsync(new Uri($"/console?workspace={workspace}&status=active", UriKind.Relative), Ct);
        Assert.DoesNotContain(key.Id, activeOnly, StringComparison.Ordinal);

        using var enabled = await PostAsync(session, $"/console/keys/{key.Id}?handler=enable",
            await session.TokenFromAsync($"/console/keys/{key.Id}", Ct), ("back", "key"));

        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);
        Assert.Equal($"/console/keys/{key.Id}", enabled.Headers.Location?.OriginalString);
        Assert.Null((await app.Service<IKeyStore>().GetAsync(key.Id, Ct))!.DisabledAt);
        var enableEvent = Assert.Single(await AuditAsync(key.Id, AuditActions.KeyEnabled));
        Assert.Equal(operatorCredential.Credential.Id, enableEvent.Actor.Id);
        var page = WebUtility.HtmlDecode(await session.Client.GetStringAsync(new Uri($"/console/keys/{key.Id}", UriKind.Relative), Ct));
        Assert.Contains("Requests with it work again.", page, StringComparison.Ordinal);
        Assert.Contains("badge status-active", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("disable")]
    [InlineData("enable")]
    public async Task DisableOrEnable_WithoutToken_400AndNothingChanges(string handler)
    {
        var key = await MintAsync("csrf-pause", "ws_pause_csrf");
        if (handler == "enable")
        {
            await app.Service<KeyMutationService>().UpdateAsync(key.Id, new KeyUpdate { Enabled = new(true, false) }, Actor.System, Ct);
        }
        var before = await app.Service<IKeyStore>().GetAsync(key.Id, Ct);
        using var session = new ConsoleHttpSession(app.BaseAddress);
        (await session.SignInAsync(app.BootstrapKey, Ct)).Dispose();

        using var response = await session.Client.PostAsync($"/console/keys/{key.Id}?handler={handler}", ConsoleHttpSession.Form(), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before!.DisabledAt, (await app.Service<IKeyStore>().GetAsync(key.Id, Ct))!.DisabledAt);
        Assert.DoesNotContain(await AuditAsync(key.Id, AuditActions.KeyDisabled, AuditActions.KeyEnabled), e => e.Actor.Id != Actor.System.Id);
    }

    [Fact]
    public async Task Disable_RevokedKey_RefusedWithANoticeAndNoEvent()
    {
        var key = await MintAsync("ended", "ws_pause_ended");
        await app.Service<KeyMutationService>().RevokeAsync(key.Id, Actor.System, Ct);
        using var session = new ConsoleHttpSession(app.BaseAddress);
        (await session.SignInAsync(app.BootstrapKey, Ct)).Dispose();

        using var response = await PostAsync(session, $"/console/keys/{key.Id}?handler=disable", await session.TokenFromAsync("/console", Ct));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Null((await app.Service<IKeyStore>().GetAsync(key.Id, Ct))!.DisabledAt);
        Assert.Empty(await AuditAsync(key.Id, AuditActions.KeyDisabled));
        var listing = WebUtility.HtmlDecode(await session.Client.GetStringAsync(new Uri("/console?workspace=ws_pause_ended", UriKind.Relative), Ct));
        Assert.Contains("was not disabled: it is revoked.", listing, StringComparison.Ordinal);
        var keyPage = await session.Client.GetStringAsync(new Uri($"/console/keys/{key.Id}", UriKind.Relative), Ct);
        Assert.DoesNotContain("handler=disable", keyPage, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=enable", keyPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_UnknownKey_404()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        (await session.SignInAsync(app.BootstrapKey, Ct)).Dispose();
        var token = await session.TokenFromAsync("/console", Ct);

        using var post = await PostAsync(session, "/console/keys/key_00000000000000000000000000?handler=disable", token);
        using var get = await session.Client.GetAsync(new Uri("/console/keys/key_00000000000000000000000000", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task LeakedKeys_FlaggedAndRevoked_MarkedInTheListAndOnTheKeyPageWithSourceAndTime()
    {
        var workspace = "ws_leak_" + Guid.NewGuid().ToString("N")[..8];
        var flagged = await MintIssuedAsync("flagged-leak", workspace);
        var revoked = await MintIssuedAsync("revoked-leak", workspace);
        var quiet = await MintIssuedAsync("not-leaked", workspace);
        var mutations = app.Service<KeyMutationService>();
        var hasher = app.Service<KeyHasher>();
        await mutations.ReportLeakAsync(hasher.Hash(flagged.Plaintext), LeakAction.Flag, new LeakReport("pastebin-scan", null), Actor.System, Ct);
        await mutations.ReportLeakAsync(hasher.Hash(revoked.Plaintext), LeakAction.Revoke, new LeakReport(null, null), Actor.System, Ct);
        var leakedAt = (await app.Service<IKeyStore>().GetAsync(flagged.Key.Id, Ct))!.LeakedAt!.Value;
        using var session = new ConsoleHttpSession(app.BaseAddress);
        (await session.SignInAsync(app.BootstrapKey, Ct)).Dispose();

        var listing = WebUtility.HtmlDecode(await session.Client.GetStringAsync(new Uri($"/console?workspace={workspace}", UriKind.Relative), Ct));
        var (live, ended) = Sections(listing);

        Assert.Contains($"title=\"Reported leaked {ConsoleFormat.Time(leakedAt)} by \u2068pastebin-scan\u2069\">leaked</span>", Row(live, flagged.Key.Id), StringComparison.Ordinal);
        Assert.Contains(">leaked</span>", Row(ended, revoked.Key.Id), StringComparison.Ordinal);
        Assert.DoesNotContain(">leaked</span>", Row(live, quiet.Key.Id), StringComparison.Ordinal);

        var flaggedPage = WebUtility.HtmlDecode(await session.Client.GetStringAsync(new Uri($"/console/keys/{flagged.Key.Id}", UriKind.Relative), Ct));
        Assert.Contains("Reported as leaked", flaggedPage, StringComparison.Ordinal);
        Assert.Contains($"{ConsoleFormat.Time(leakedAt)}</time> by <bdi>pastebin-scan</bdi>", flaggedPage, StringComparison.Ordinal);
        Assert.Contains("only flagged and still works", flaggedPage, StringComparison.Ordinal);
        var revokedPage = WebUtility.HtmlDecode(await session.Client.GetStringAsync(new Uri($"/console/keys/{revoked.Key.Id}", UriKind.Relative), Ct));
        Assert.Contains("Reported as leaked", revokedPage, StringComparison.Ordinal);
        Assert.Contains("The key is revoked.", revokedPage, StringComparison.Ordinal);
        var quietPage = await session.Client.GetStringAsync(new Uri($"/console/keys/{quiet.Key.Id}", UriKind.Relative), Ct);
        Assert.DoesNotContain("leak-report", quietPage, StringComparison.Ordinal);
        Assert.DoesNotContain(quiet.Plaintext, quietPage, StringComparison.Ordinal);
    }

    private async Task<ApiKey> MintAsync(string name, string workspace) => (await MintIssuedAsync(name, workspace)).Key;

    private async Task<IssuedKey> MintIssuedAsync(string name, string workspace)
    {
        var spec = new KeySpec(name, workspace, ["contacts:read"], null, KeyMode.Live, null, null, null, null, [], []);
        return (await app.Service<KeyMutationService>().CreateAsync(spec, Actor.System, Ct)).Issued!;
    }

    private async Task<IReadOnlyList<AuditEvent>> AuditAsync(string keyId, params string[] actions)
    {
        var page = await app.Service<IKeyStore>().ListAuditAsync(new AuditQuery(keyId, null, 100, 0), Ct);
        return [.. page.Items.Where(e => actions.Contains(e.Action))];
    }

    private static Task<HttpResponseMessage> PostAsync(ConsoleHttpSession session, string path, string token, params (string, string)[] fields) =>
        session.Client.PostAsync(path, ConsoleHttpSession.Form([.. fields, ("__RequestVerificationToken", token)]), Ct);

    /// <summary>The live section and the revoked-and-expired section of the keys page.</summary>
    private static (string Live, string Ended) Sections(string html)
    {
        var live = html.IndexOf("id=\"live-keys\"", StringComparison.Ordinal);
        var ended = html.IndexOf("id=\"ended-keys\"", StringComparison.Ordinal);
        Assert.True(live >= 0 && ended > live, "The keys page lost its two sections.");
        return (html[live..ended], html[ended..]);
    }

    /// <summary>The table row of one key.</summary>
    private static string Row(string html, string keyId)
    {
        var start = html.IndexOf($"<tr data-key-id=\"{keyId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{keyId} is not listed here.");
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
