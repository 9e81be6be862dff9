using System.Net;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>
/// The admin API (console included) on real Kestrel at 127.0.0.1 with an OS-chosen port and a temp SQLite file,
/// plus one headless Debian Chromium driven by Playwright (never a downloaded browser).
/// </summary>
public sealed class ConsoleAppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly TempDatabase _database = new();
    private readonly SemaphoreSlim _gatewayLock = new(1, 1);
    private IPlaywright? _playwright;
    private GatewayRunner? _gateway;

    public ConsoleAppFixture()
    {
        BootstrapKey = new KeyFormat("agw").Mint(KeyMode.Admin);
        RoutesFile = Path.Combine(_database.Directory.FullName, "routes.json");
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>The first Owner credential (<c>Admin:BootstrapKey</c>).</summary>
    public string BootstrapKey { get; }

    /// <summary>The repository's sample routes (config/routes.json), pointed at <see cref="Upstream"/>.</summary>
    public string RoutesFile { get; }

    public UpstreamServer Upstream { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static DirectoryInfo RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Where screenshots go: <c>docs/</c> when <c>CONSOLE_SCREENSHOTS=docs</c>, else a temp folder.</summary>
    public DirectoryInfo ScreenshotDirectory { get; } =
        Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOTS") == "docs"
            ? new DirectoryInfo(Path.Combine(FindRepositoryRoot().FullName, "docs"))
            : Directory.CreateTempSubdirectory("console-screens-");

    public static bool HasChromium => File.Exists(ChromiumPath);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:KeyStore", _database.ConnectionString);
        builder.UseSetting("Admin:BootstrapKey", BootstrapKey);
        builder.UseSetting("Gateway:RoutesFile", RoutesFile);
        builder.UseSetting("RateLimits:DefaultTier", "free");
        builder.UseSetting("RateLimits:Tiers:free:Limit", "100");
        builder.UseSetting("RateLimits:Tiers:free:PeriodSeconds", "60");
        builder.UseSetting("RateLimits:Tiers:pro:Limit", "1000");
        builder.UseSetting("RateLimits:Tiers:pro:PeriodSeconds", "60");
    }

    public async ValueTask InitializeAsync()
    {
        await Upstream.StartAsync();
        var routes = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.FullName, "config", "routes.json"));
        await File.WriteAllTextAsync(RoutesFile, routes.Replace("http://127.0.0.1:5080/", Upstream.BaseAddress.ToString(), StringComparison.Ordinal));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        // The app bootstraps from Admin:BootstrapKey itself; this is a no-op then, and the same credential otherwise.
        await Services.GetRequiredService<KeyMutationService>().BootstrapAsync(BootstrapKey, CancellationToken.None);
        if (HasChromium)
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
        }
    }

    /// <summary>A fresh browser context (own cookies), at the laptop size the console is designed for unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        // CI installs it (.ci/apt-packages.txt), so there a missing browser is a failure, not a skip.
        Assert.False(!HasChromium && Environment.GetEnvironmentVariable("CI") == "true", $"{ChromiumPath} is missing on CI.");
        Assert.SkipUnless(HasChromium, $"Debian's chromium is not installed at {ChromiumPath} (apt-get install chromium).");
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new() { Width = width, Height = height },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>The real gateway on the same database, started on first use.</summary>
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

    private static DirectoryInfo FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApiGateway.sln")))
        {
            dir = dir.Parent;
        }
        return dir ?? throw new InvalidOperationException("ApiGateway.sln not found above the test output.");
    }
}
