using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>The console in a real headless Chromium: what an operator does, end to end.</summary>
public sealed class ConsoleBrowserTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyLifecycle_CreateUseRevoke_ListedUsedRevokedAndAudited()
    {
        var page = await app.NewPageAsync();
        var name = "billing-sync-" + Guid.NewGuid().ToString("N")[..6];

        await SignInAsync(page);

        // Create: the dialog, scopes per resource, 90 days suggested.
        await page.GetByRole(AriaRole.Link, new() { Name = "Create key" }).ClickAsync();
        var dialog = page.Locator("#create-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByLabel("Workspace").FillAsync("ws_acme");
        await dialog.GetByLabel("Owner").FillAsync("alice");
        await Expect(dialog.GetByLabel("Expires in (days)")).ToHaveValueAsync("90");
        await dialog.GetByRole(AriaRole.Group, new() { Name = "contacts" }).GetByLabel("read").CheckAsync();
        await dialog.GetByRole(AriaRole.Group, new() { Name = "invoices" }).GetByLabel("write").CheckAsync();
        await Expect(dialog.GetByRole(AriaRole.Group, new() { Name = "invoices" }).GetByLabel("read")).Not.ToBeCheckedAsync();
        await Expect(dialog.GetByRole(AriaRole.Group, new() { Name = "reports" }).GetByLabel("write")).ToHaveCountAsync(0);
        await dialog.GetByLabel("Rate-limit tier").SelectOptionAsync("pro");
        await ScreenshotAsync(page, "create");
        var created = await page.RunAndWaitForResponseAsync(
            () => dialog.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/console/keys/new", StringComparison.Ordinal));

        // Read it once.
        Assert.Equal(200, created.Status);
        Assert.Contains("no-store", created.Headers["cache-control"], StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Key created" })).ToBeVisibleAsync();
        await Expect(page.GetByText("You will not see it again")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy" })).ToBeVisibleAsync();
        var plaintext = await page.GetByLabel($"API key for “{name}” (live)").InputValueAsync();
        Assert.True(new KeyFormat("agw").TryParse(plaintext, out var mode) && mode == KeyMode.Live);
        Assert.EndsWith("/console", page.Url, StringComparison.Ordinal); // a reload re-reads the list, not the form
        await ScreenshotAsync(page, "created");

        // Listed, never used.
        await page.GetByRole(AriaRole.Link, new() { Name = "I have copied it, back to keys" }).ClickAsync();
        var row = page.Locator("#live-keys tr", new() { HasText = name });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("[data-col=last-used]")).ToHaveTextAsync("Never");
        await Expect(row.Locator("[data-col=usage-24h]")).ToHaveTextAsync("0");
        await Expect(row).ToContainTextAsync(plaintext[..16]);
        await Expect(row).ToContainTextAsync("2 scopes");
        Assert.DoesNotContain(plaintext, await page.ContentAsync(), StringComparison.Ordinal);

        // Used: last used and the 24h count change after a reload.
        var key = Assert.Single((await app.Service<IKeyStore>().ListAsync(new KeyQuery("ws_acme", "alice", null, 100, 0), Ct)).Items, k => k.Name == name);
        await UseKeyAsync(plaintext, requests: 3);
        await ReloadUntilAsync(page, row.Locator("[data-col=usage-24h]"), "3");
        await Expect(row.Locator("[data-col=last-used]")).Not.ToHaveTextAsync("Never");
        Assert.Contains(app.Upstream.Received, r => r.Path == "/v1/contacts" && r.Header("X-Workspace-Id") == "ws_acme");
        await ScreenshotAsync(page, "keys");

        // Revoke, confirming in a dialog that names the key.
        await row.GetByRole(AriaRole.Link, new() { Name = $"Revoke {name}" }).ClickAsync();
        var revoke = page.Locator("#revoke-dialog");
        await Expect(revoke).ToBeVisibleAsync();
        await Expect(revoke).ToContainTextAsync(name);
        await Expect(revoke).ToContainTextAsync(key.Prefix);
        await ScreenshotAsync(page, "revoke");
        await revoke.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Revoked “\u2068{name}\u2069”");
        await Expect(page.Locator("#live-keys tr", new() { HasText = name })).ToHaveCountAsync(0);
        var ended = page.Locator("#ended-keys tr", new() { HasText = name });
        await Expect(ended).ToHaveCountAsync(1);
        await Expect(ended.Locator(".badge")).ToHaveTextAsync("Revoked");
        await ScreenshotAsync(page, "keys-revoked");

        // Both events on the audit page, by the signed-in credential.
        await page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
        var events = page.Locator("table.audit tbody tr", new() { HasText = name });
        await Expect(events).ToHaveCountAsync(2);
        await Expect(events.Nth(0)).ToContainTextAsync("key.revoked");
        await Expect(events.Nth(1)).ToContainTextAsync("key.created");
        await Expect(events.Nth(0)).ToContainTextAsync("bootstrap");
        await ScreenshotAsync(page, "audit");
    }

    [Fact]
    public async Task SignIn_WrongCredential_ShowsErrorAndNoSession()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/console");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
        await page.GetByLabel("Admin credential").FillAsync("agw_admin_" + new string('x', 49));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");
        await ScreenshotAsync(page, "signin-refused");
        var cookies = await page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == ".agw.console");
        await page.GotoAsync("/console");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
    }

    [Fact]
    public async Task Rotate_WithGracePeriod_ShowsNewKeyOnceAndKeepsOldUntilThen()
    {
        var page = await app.NewPageAsync();
        var name = "rotating-" + Guid.NewGuid().ToString("N")[..6];
        await SignInAsync(page);
        await CreateThroughPageAsync(page, name, "ws_rotate");
        await page.GotoAsync("/console?q=" + name);
        var row = page.Locator("#live-keys tr", new() { HasText = name });
        var oldPrefix = (await row.Locator("td.mono").First.TextContentAsync())!.Trim();

        await row.GetByRole(AriaRole.Link, new() { Name = $"Rotate {name}" }).ClickAsync();
        var rotate = page.Locator("#rotate-dialog");
        await Expect(rotate).ToContainTextAsync(name);
        await rotate.GetByLabel("Old key").SelectOptionAsync("3600");
        await rotate.GetByRole(AriaRole.Button, new() { Name = "Rotate key" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Key rotated" })).ToBeVisibleAsync();
        await Expect(page.GetByText("keeps working until")).ToBeVisibleAsync();
        var successor = await page.Locator("#new-key").InputValueAsync();
        Assert.NotEqual(oldPrefix, successor[..16]);
        await page.GotoAsync("/console?q=" + name);
        await Expect(page.Locator("#live-keys tr", new() { HasText = name })).ToHaveCountAsync(2);
        var old = page.Locator("#live-keys tr", new() { HasText = oldPrefix });
        await Expect(old.Locator(".badge.rotated")).ToHaveTextAsync("rotated");
        await Expect(old.GetByRole(AriaRole.Link, new() { Name = $"Rotate {name}" })).ToHaveCountAsync(0);
        Assert.DoesNotContain(successor, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisableThenEnable_FromTheList_GatewayRefusesThenServesAgain()
    {
        var page = await app.NewPageAsync();
        var name = "pausing-" + Guid.NewGuid().ToString("N")[..6];
        await SignInAsync(page);
        await page.GotoAsync("/console/keys/new");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Workspace").FillAsync("ws_pause");
        await page.GetByRole(AriaRole.Group, new() { Name = "contacts" }).GetByLabel("read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var plaintext = await page.Locator("#new-key").InputValueAsync();
        await UseKeyAsync(plaintext, requests: 1);
        await page.GotoAsync("/console?q=" + name);
        var row = page.Locator("#live-keys tr", new() { HasText = name });

        // Disable, confirming in a dialog that names the key: it stays among the live keys, marked Disabled.
        await row.GetByRole(AriaRole.Link, new() { Name = $"Disable {name}" }).ClickAsync();
        var disable = page.Locator("#disable-dialog");
        await Expect(disable).ToBeVisibleAsync();
        await Expect(disable).ToContainTextAsync(name);
        await disable.GetByRole(AriaRole.Button, new() { Name = "Disable key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Disabled “\u2068{name}\u2069”");
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Disabled");
        await Expect(page.Locator("#ended-keys tr", new() { HasText = name })).ToHaveCountAsync(0);
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = $"Rotate {name}" })).ToHaveCountAsync(0);
        await ScreenshotAsync(page, "keys-disabled");
        var refused = await GatewayUntilAsync(plaintext, System.Net.HttpStatusCode.Forbidden);
        Assert.Contains("API key is disabled", refused, StringComparison.Ordinal);

        // Enable with the row's button: Active again, and the gateway serves it.
        await row.GetByRole(AriaRole.Button, new() { Name = $"Enable {name}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Enabled “\u2068{name}\u2069”");
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Active");
        await GatewayUntilAsync(plaintext, System.Net.HttpStatusCode.OK);

        // The key's page: both events by the signed-in credential in the audit log.
        await row.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Disable {name}" })).ToBeVisibleAsync();
        await page.GotoAsync("/console/audit");
        var events = page.Locator("table.audit tbody tr", new() { HasText = name });
        await Expect(events.Nth(0)).ToContainTextAsync("key.enabled");
        await Expect(events.Nth(1)).ToContainTextAsync("key.disabled");
        await Expect(events.Nth(1)).ToContainTextAsync("bootstrap");
    }

    [Fact]
    public async Task Keys_FilterAndSearch_ServerSide()
    {
        var page = await app.NewPageAsync();
        var tag = Guid.NewGuid().ToString("N")[..6];
        await SignInAsync(page);
        await CreateThroughPageAsync(page, "search-a-" + tag, "ws_filter_" + tag);
        await CreateThroughPageAsync(page, "search-b-" + tag, "ws_other_" + tag);

        await page.GotoAsync("/console");
        await page.GetByLabel("Search name or prefix").FillAsync("search-a-" + tag);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.Locator("#live-keys tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#live-keys tbody tr")).ToContainTextAsync("search-a-" + tag);

        await page.GotoAsync($"/console?workspace=ws_other_{tag}&status=active");
        await Expect(page.Locator("#live-keys tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#live-keys tbody tr")).ToContainTextAsync("search-b-" + tag);
        await Expect(page.GetByLabel("Status")).ToHaveValueAsync("active");
    }

    [Fact]
    public async Task CreateKey_NoScope_ShowsErrorAndCreatesNothing()
    {
        var page = await app.NewPageAsync();
        await SignInAsync(page);
        await page.GotoAsync("/console/keys/new");
        await page.GetByLabel("Name").FillAsync("no-scopes");
        await page.GetByLabel("Workspace").FillAsync("ws_invalid");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Pick at least one scope");
        await Expect(page.GetByLabel("Name")).ToHaveValueAsync("no-scopes");
        var keys = await app.Service<IKeyStore>().ListAsync(new KeyQuery("ws_invalid", null, null, 10, 0), Ct);
        Assert.Empty(keys.Items);
    }

    [Fact]
    public async Task SignOut_Button_EndsSession()
    {
        var page = await app.NewPageAsync();
        await SignInAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in$"));
        await page.GotoAsync("/console/audit");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
    }

    [Fact]
    public async Task Keyboard_SignInAndCreateDialog_ReachableWithoutMouse()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        await Expect(page.GetByLabel("Admin credential")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(app.BootstrapKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        var create = page.GetByRole(AriaRole.Link, new() { Name = "Create key" });
        for (var i = 0; i < 10 && !await create.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }
        await Expect(create).ToBeFocusedAsync();
        var outline = await create.EvaluateAsync<string>("e => getComputedStyle(e).outlineStyle");
        Assert.Equal("solid", outline); // visible focus
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.Locator("#create-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Name")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(create).ToBeFocusedAsync();
    }

    /// <summary>
    /// A phone (390 px wide): the header's links and sign-out button stay on screen, the page itself never scrolls
    /// sideways, and the wide tables scroll inside their own frame. Screenshots: console-phone-*.png.
    /// </summary>
    [Fact]
    public async Task PhoneWidth_HeaderAndTables_FitAndStayUsable()
    {
        var page = await app.NewPageAsync(width: 390, height: 844);
        var unauthorized = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status == 401)
            {
                unauthorized.Add(response.Url);
            }
        };
        await SignInAsync(page);
        var name = "phone-" + Guid.NewGuid().ToString("N")[..6] + "-with-a-long-descriptive-name";
        await CreateThroughPageAsync(page, name, "ws_phone");

        foreach (var (path, table) in new[] { ("/console", "#live-keys"), ("/console/audit", "table.audit") })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator(table)).ToBeVisibleAsync();
            await ScreenshotAsync(page, "phone-" + (path == "/console" ? "keys" : "audit"));

            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
                $"{path} scrolls sideways at 390 px: {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide");
            foreach (var control in new[]
            {
                page.GetByRole(AriaRole.Link, new() { Name = "API keys", Exact = true }),
                page.GetByRole(AriaRole.Link, new() { Name = "Audit log", Exact = true }),
                page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }),
            })
            {
                var box = await control.BoundingBoxAsync();
                Assert.True(box is { X: >= 0 } && box.X + box.Width <= 390, $"{path}: {control} is off screen ({box?.X}+{box?.Width})");
            }
            var frame = page.Locator(".table-wrap").First;
            var frameBox = await frame.BoundingBoxAsync();
            Assert.True(frameBox is not null && frameBox.X >= 0 && frameBox.X + frameBox.Width <= 390, $"{path}: the table frame overflows the screen");
        }
        // The key's page ends with its usage charts: SVG that scales down to the phone's width, named for screen readers.
        await page.GotoAsync("/console");
        await page.Locator("#live-keys tr", new() { HasText = name }).GetByRole(AriaRole.Link).First.ClickAsync();
        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Requests per day, last 30 days", Exact = false });
        await Expect(chart).ToBeVisibleAsync();
        await chart.ScrollIntoViewIfNeededAsync();
        await ScreenshotAsync(page, "phone-usage");
        var chartBox = await chart.BoundingBoxAsync();
        Assert.True(chartBox is { X: >= 0, Width: > 300 } && chartBox.X + chartBox.Width <= 390, $"the usage chart does not fit the phone ({chartBox?.X}+{chartBox?.Width})");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the key's page scrolls sideways at 390 px");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in$"));
        Assert.Empty(unauthorized); // /favicon.ico included: every page load used to log a 401 for it
    }

    [Fact]
    public async Task WebhookSecret_Copy_OnClipboardAndReloadReadsTheWebhooksList()
    {
        var page = await app.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = app.BaseAddress.GetLeftPart(UriPartial.Authority) });
        await SignInAsync(page);

        await page.GotoAsync("/console/webhooks");
        await page.GetByLabel("URL").FillAsync($"https://hooks.example.com/{Guid.NewGuid():N}");
        await page.GetByLabel("key.revoked").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        // The signing secret is shown once, with the same Copy button and history rule as a new key.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhook registered" })).ToBeVisibleAsync();
        var secret = await page.Locator("#new-secret").InputValueAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied");
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "I have copied it, back to webhooks" })).ToHaveAttributeAsync("href", "/console/webhooks");

        // A reload re-reads the webhooks list (a GET): it neither re-posts the form nor shows the secret again.
        Assert.EndsWith("/console/webhooks", page.Url, StringComparison.Ordinal);
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhook registered" })).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
    }

    private async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/sign-in"));
        await ScreenshotAsync(page, "signin");
        await page.GetByLabel("Admin credential").FillAsync(app.BootstrapKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API keys" })).ToBeVisibleAsync();
        Assert.EndsWith("/console", page.Url, StringComparison.Ordinal);
    }

    private static async Task CreateThroughPageAsync(IPage page, string name, string workspace)
    {
        await page.GotoAsync("/console/keys/new");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Workspace").FillAsync(workspace);
        await page.GetByRole(AriaRole.Group, new() { Name = "Everything" }).GetByLabel("*:read").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Key created" })).ToBeVisibleAsync();
    }

    /// <summary>Calls the real gateway with the key; its usage reaches the store in the next flush (every second here).</summary>
    private async Task UseKeyAsync(string plaintext, int requests)
    {
        var gateway = await app.GatewayAsync(Ct);
        using var client = gateway.CreateClient(plaintext);
        for (var i = 0; i < requests; i++)
        {
            using var response = await client.GetAsync(new Uri("/v1/contacts", UriKind.Relative), Ct);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"Gateway answered {(int)response.StatusCode}.{Environment.NewLine}{gateway.Output}");
        }
    }

    /// <summary>
    /// Calls the gateway until it answers <paramref name="expected"/> (a change reaches it within a second, through the change
    /// feed it polls in its own process) and returns that answer's body.
    /// </summary>
    private async Task<string> GatewayUntilAsync(string plaintext, System.Net.HttpStatusCode expected)
    {
        var gateway = await app.GatewayAsync(Ct);
        using var client = gateway.CreateClient(plaintext);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/v1/contacts", UriKind.Relative), Ct);
            if (response.StatusCode == expected)
            {
                return await response.Content.ReadAsStringAsync(Ct);
            }
            Assert.True(DateTime.UtcNow < deadline, $"The gateway still answers {(int)response.StatusCode}, not {(int)expected}.{Environment.NewLine}{gateway.Output}");
            await Task.Delay(50, Ct); // another process: poll to a deadline
        }
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

    private async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotDirectory.FullName, $"console-{name}.png"), FullPage = false });
}
