using System.Net;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiGateway.AdminApi.Tests.Portal;

/// <summary>The self-serve key page in a real headless Chromium: what a SaaS user does, end to end, at the real gateway.</summary>
public sealed class PortalBrowserTests(PortalAppFixture app) : IClassFixture<PortalAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyLifecycle_MintCopyUseSeeUsageRevoke_KeyRefusedAtGateway()
    {
        var start = await app.OpenSessionAsync("ws_portal", "user_42", ["contacts:read", "invoices:read"],
            displayName: "Ada Lovelace", returnUrl: "https://app.example.com/settings");
        var page = await app.NewPageAsync();

        // The one-time URL becomes a cookie and the address loses the token.
        await page.GotoAsync(start.ToString());
        Assert.EndsWith("/portal", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Signed in as Ada Lovelace")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "← Back" })).ToHaveAttributeAsync("href", "https://app.example.com/settings");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Value.Contains(app.BootstrapKey, StringComparison.Ordinal));

        // Create: name, 90 days suggested, only the allowed scopes offered.
        await page.GetByRole(AriaRole.Link, new() { Name = "Create key" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("billing export");
        await Expect(page.GetByLabel("Expires in (days)")).ToHaveValueAsync("90");
        var scopes = page.GetByRole(AriaRole.Group, new() { Name = "Scopes" });
        await Expect(scopes.GetByRole(AriaRole.Checkbox)).ToHaveCountAsync(2);
        await scopes.GetByLabel("contacts:read").CheckAsync();
        await ScreenshotAsync(page, "create");
        var created = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/portal/keys/new", StringComparison.Ordinal));
        Assert.Equal(200, created.Status);
        Assert.Contains("no-store", created.Headers["cache-control"], StringComparison.Ordinal);

        // Shown once, with a Copy button that puts it on the clipboard.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Key created" })).ToBeVisibleAsync();
        var plaintext = await page.Locator("#new-key").InputValueAsync();
        Assert.True(new KeyFormat("agw").TryParse(plaintext, out var mode) && mode == KeyMode.Live);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied");
        Assert.Equal(plaintext, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        Assert.EndsWith("/portal", page.Url, StringComparison.Ordinal); // a reload re-reads the list, not the form
        await ScreenshotAsync(page, "created");
        await page.GetByRole(AriaRole.Link, new() { Name = "I have copied it, back to keys" }).ClickAsync();

        var row = page.Locator("#live-keys tbody tr", new() { HasText = "billing export" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("[data-col=last-used]")).ToHaveTextAsync("Never");
        await Expect(row).ToContainTextAsync(plaintext[..16]);
        Assert.DoesNotContain(plaintext, await page.ContentAsync(), StringComparison.Ordinal);

        // Use it at the real gateway; usage and last used show after the gateway's next flush.
        var gateway = await app.GatewayAsync(Ct);
        using (var client = gateway.CreateClient(plaintext))
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await client.GetAsync(new Uri("/v1/contacts", UriKind.Relative), Ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"Gateway answered {(int)response.StatusCode}.{Environment.NewLine}{gateway.Output}");
            }
        }
        Assert.Contains(app.Upstream.Received, r => r.Path == "/v1/contacts" && r.Header("X-Workspace-Id") == "ws_portal" && r.Header("X-Api-Key-Owner") == "user_42");
        await ReloadUntilAsync(page, row.Locator("[data-col=usage-24h]"), "3");
        await Expect(row.Locator("[data-col=last-used]")).Not.ToHaveTextAsync("Never");
        await Expect(row.Locator("[data-col=usage-30d]")).ToHaveTextAsync("3");
        await ScreenshotAsync(page, "keys");

        // Revoke, confirming in a dialog that names the key.
        await row.GetByRole(AriaRole.Link, new() { Name = "Revoke billing export" }).ClickAsync();
        var dialog = page.Locator("#revoke-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("billing export");
        await Expect(dialog).ToContainTextAsync(plaintext[..16]);
        await ScreenshotAsync(page, "revoke");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Revoked “\u2068billing export\u2069”");
        await Expect(page.Locator("#live-keys tbody tr", new() { HasText = "billing export" })).ToHaveCountAsync(0);
        await Expect(page.Locator("#ended-keys tbody tr", new() { HasText = "billing export" }).Locator(".badge")).ToHaveTextAsync("Revoked");

        // The gateway refuses it within its freshness bound (1 s).
        using (var client = gateway.CreateClient(plaintext))
        {
            var refused = await UntilAsync(async () =>
            {
                using var response = await client.GetAsync(new Uri("/v1/contacts", UriKind.Relative), Ct);
                return response.StatusCode == HttpStatusCode.Unauthorized;
            }, TimeSpan.FromSeconds(5));
            Assert.True(refused, "The gateway still accepts the revoked key.");
        }
    }

    [Fact]
    public async Task StartUrl_ReusedOrExpired_IsA404Page()
    {
        var start = await app.OpenSessionAsync("ws_reuse", "user_r", ["contacts:read"]);
        var first = await app.NewPageAsync();
        await first.GotoAsync(start.ToString());
        await Expect(first.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();

        var second = await app.NewPageAsync();
        var reused = await second.GotoAsync(start.ToString());
        Assert.Equal(404, reused!.Status);
        await Expect(second.GetByRole(AriaRole.Heading, new() { Name = "This link is no longer valid" })).ToBeVisibleAsync();
        Assert.Empty(await second.Context.CookiesAsync());
        await ScreenshotAsync(second, "link-invalid");

        var expiring = await app.OpenSessionAsync("ws_reuse", "user_r", ["contacts:read"], ttlSeconds: 30);
        app.Clock.Advance(TimeSpan.FromSeconds(31));
        var third = await app.NewPageAsync();
        var expired = await third.GotoAsync(expiring.ToString());
        Assert.Equal(404, expired!.Status);
        await Expect(third.GetByRole(AriaRole.Heading, new() { Name = "This link is no longer valid" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ForgedKeyIdInRevokeForm_AnotherOwnersKey_Refused()
    {
        var mutations = app.Service<KeyMutationService>();
        var spec = new KeySpec("someone else's", "ws_forge", ["contacts:read"], "mallory", KeyMode.Live, null, null, null, null, [], []);
        var foreign = (await mutations.CreateAsync(spec, Actor.System, Ct)).Issued!.Key;
        var start = await app.OpenSessionAsync("ws_forge", "alice", ["contacts:read"]);
        var page = await app.NewPageAsync();
        await page.GotoAsync(start.ToString());
        await CreateAsync(page, "alice's key");
        await page.GotoAsync("/portal");
        await Expect(page.Locator("body")).Not.ToContainTextAsync("someone else's");

        // The user rewrites the dialog's form to post another owner's key id, with the page's real antiforgery token.
        await page.GetByRole(AriaRole.Link, new() { Name = "Revoke alice's key" }).ClickAsync();
        await page.EvaluateAsync("id => document.querySelector('#revoke-dialog form').action = '/portal/keys/' + id + '/revoke'", foreign.Id);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.Locator("#revoke-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync(),
            r => r.Request.Method == "POST");

        Assert.Equal(404, response.Status);
        Assert.Null((await app.Service<IKeyStore>().GetAsync(foreign.Id, Ct))!.RevokedAt);
        var direct = await page.GotoAsync($"/portal/keys/{foreign.Id}/revoke");
        Assert.Equal(404, direct!.Status);
    }

    [Fact]
    public async Task Phone_390px_NoSidewaysScrollAndEveryCellLabelled()
    {
        var start = await app.OpenSessionAsync("ws_phone", "user_p", ["*:read"], displayName: "Grace Hopper");
        var page = await app.NewPageAsync(390, 844);
        await page.GotoAsync(start.ToString());
        await CreateAsync(page, "phone key");
        await page.GotoAsync("/portal");

        var row = page.Locator("#live-keys tbody tr", new() { HasText = "phone key" });
        await Expect(row).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "The page scrolls sideways at 390 px.");
        var label = await row.Locator("[data-col=usage-24h]").EvaluateAsync<string>("e => getComputedStyle(e, '::before').content");
        Assert.Equal("\"Requests, 24 hours\"", label);
        await ScreenshotAsync(page, "phone", fullPage: true);
        await page.GotoAsync("/portal/keys/new");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
    }

    [Fact]
    public async Task Keyboard_CreateAndRevokeDialog_ReachableWithVisibleFocus()
    {
        var start = await app.OpenSessionAsync("ws_keys", "user_k", ["contacts:read"]);
        var page = await app.NewPageAsync();
        await page.GotoAsync(start.ToString());
        await CreateAsync(page, "keyboard key");
        await page.GotoAsync("/portal");

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        var revoke = page.GetByRole(AriaRole.Link, new() { Name = "Revoke keyboard key" });
        for (var i = 0; i < 10 && !await revoke.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }
        await Expect(revoke).ToBeFocusedAsync();
        Assert.Equal("solid", await revoke.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle"));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator("#revoke-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(revoke).ToBeFocusedAsync();
    }

    private static async Task CreateAsync(IPage page, string name)
    {
        await page.GotoAsync("/portal/keys/new");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByRole(AriaRole.Group, new() { Name = "Scopes" }).GetByRole(AriaRole.Checkbox).First.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Key created" })).ToBeVisibleAsync();
    }

    /// <summary>Reloads until <paramref name="cell"/> shows <paramref name="text"/>: usage arrives with the gateway's next flush.</summary>
    private static async Task ReloadUntilAsync(IPage page, ILocator cell, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await page.ReloadAsync();
            if ((await cell.TextContentAsync())?.Trim() == text || DateTime.UtcNow > deadline)
            {
                break;
            }
            await page.WaitForTimeoutAsync(250); // the flush runs in another process: poll to a deadline
        }
        await Expect(cell).ToHaveTextAsync(text);
    }

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(100, Ct); // the gateway is another process: poll to a deadline
        }
        return true;
    }

    private async Task ScreenshotAsync(IPage page, string name, bool fullPage = false) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotDirectory.FullName, $"portal-{name}.png"), FullPage = fullPage });
}
