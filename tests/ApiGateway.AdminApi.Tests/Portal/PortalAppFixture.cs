using System.Net;
using System.Net.Http.Json;
using ApiGateway.AdminApi.Tests.WebConsole;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace ApiGateway.AdminApi.Tests.Portal;

/// <summary>
/// The admin API on real Kestrel (127.0.0.1, OS-chosen port) with a temp SQLite file and a fake clock that starts at the
/// real time (the real gateway, started on first use, shares the database and counts usage in real hours), plus one
/// headless Debian Chromium. The clock moves only when a test advances it, so session expiry is exact.
/// </summary>
public sealed class PortalAppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string FrameAncestors = "'self' https://app.example.com";

    private readonly TempDatabase _database = new();
    private readonly SemaphoreSlim _gatewayLock = new(1, 1);
    private IPlaywright? _playwright;
    private GatewayRunner? _gateway;

    public PortalAppFixture()
    {
        BootstrapKey = new KeyFormat("agw").Mint(KeyMode.Admin);
        RoutesFile = Path.Combine(_database.Directory.FullName, "routes.json");
        ThemeFile = Path.Combine(_database.Directory.FullName, "theme.css");
        File.WriteAllText(ThemeFile, "/* An operator's theme that changes nothing, so the screenshots keep the default look. */\n:root { }\n");
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    public string BootstrapKey { get; }

    public string RoutesFile { get; }

    /// <summary><c>Portal:ThemeFile</c>: served as <c>/portal/assets/theme.css</c>.</summary>
    public string ThemeFile { get; }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public UpstreamServer Upstream { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: <c>docs/images/</c> when <c>CONSOLE_SCREENSHOTS=docs</c>, else a temp folder.</summary>
    public DirectoryInfo ScreenshotDirectory { get; } =
        Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS") == "docs"
            ? Directory.CreateDirectory(Path.Combine(ConsoleAppFixture.RepositoryRoot.FullName, "docs", "images"))
            : Directory.CreateTempSubdirectory("portal-screens-");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:KeyStore", _database.ConnectionString);
        builder.UseSetting("Admin:BootstrapKey", BootstrapKey);
        builder.UseSetting("Gateway:RoutesFile", RoutesFile);
        builder.UseSetting("Keys:MaxActivePerOwner", "3");
        builder.UseSetting("Portal:FrameAncestors", FrameAncestors);
        builder.UseSetting("Portal:ThemeFile", ThemeFile);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public async ValueTask InitializeAsync()
    {
        await Upstream.StartAsync();
        var routes = await File.ReadAllTextAsync(Path.Combine(ConsoleAppFixture.RepositoryRoot.FullName, "config", "routes.json"));
        await File.WriteAllTextAsync(RoutesFile, routes.Replace("http://127.0.0.1:5080/", Upstream.BaseAddress.ToString(), StringComparison.Ordinal));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        await Services.GetRequiredService<KeyMutationService>().BootstrapAsync(BootstrapKey, CancellationToken.None);
        if (ConsoleAppFixture.HasChromium)
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ConsoleAppFixture.ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
        }
    }

    /// <summary>An HttpClient holding the bootstrap admin credential, as the SaaS backend would.</summary>
    public HttpClient AdminClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {BootstrapKey}");
        return client;
    }

    /// <summary>Opens a session through the API; returns its one-time start URL.</summary>
    public async Task<Uri> OpenSessionAsync(string workspaceId, string owner, string[] allowedScopes, int? ttlSeconds = null,
        string? displayName = null, string? returnUrl = null)
    {
        using var client = AdminClient();
        using var response = await client.PostAsJsonAsync("/v1/portal-sessions",
            new { workspaceId, owner, displayName, allowedScopes, ttlSeconds, returnUrl }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<CreatedSession>(TestContext.Current.CancellationToken);
        return new Uri(created!.Url);
    }

    /// <summary>A fresh browser context (own cookies), at a laptop size or a phone's 390 px.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        Assert.False(!ConsoleAppFixture.HasChromium && Environment.GetEnvironmentVariable("CI") == "true", $"{ConsoleAppFixture.ChromiumPath} is missing on CI.");
        Assert.SkipUnless(ConsoleAppFixture.HasChromium, $"Debian's chromium is not installed at {ConsoleAppFixture.ChromiumPath} (apt-get install chromium).");
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            Locale = "en-GB",
        });
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = BaseAddress.GetLeftPart(UriPartial.Authority) });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task<GatewayRunner> GatewayAsync(CancellationToken cancellationToken)
    {
        await _gatewayLock.WaitAsync(cancellationToken);
        try
        {
            return _gateway ??= await GatewayRunner.StartAsync(_database.ConnectionString, RoutesFile, _database.Directory.FullName, cancellationToken);
        }
        finally
        {
            _gatewayLock.Release();
        }
    }

    public T Service<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public override async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        _gatewayLock.Dispose();
        await Upstream.DisposeAsync();
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await base.DisposeAsync();
        _database.Dispose();
    }

    private sealed record CreatedSession(string Url, DateTimeOffset ExpiresAt);
}
