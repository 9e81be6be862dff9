using System.Reflection;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The built admin API (<c>dotnet ApiGateway.AdminApi.dll</c>) as a real process beside a <see cref="GatewayProcess"/>:
/// same working directory, database and routes file, a free port, and a known bootstrap owner credential.
/// </summary>
public sealed class AdminApiProcess : IAsyncDisposable
{
    public const string BootstrapKey = "e2e-bootstrap-owner-credential-0123456789abcdef";

    private readonly ChildProcess _process;

    private AdminApiProcess(ChildProcess process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public ChildProcess Process => _process;

    public static string AdminApiDll { get; } = typeof(AdminApiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AdminApiDll").Value!;

    public static Task<AdminApiProcess> StartBesideAsync(GatewayProcess gateway, CancellationToken cancellationToken) =>
        StartBesideAsync(gateway, new Uri($"http://127.0.0.1:{FreePort.Next()}"), settings: null, cancellationToken);

    /// <summary>As above, with more settings (<c>Section__Key</c> environment variables) for this process.</summary>
    public static Task<AdminApiProcess> StartBesideAsync(GatewayProcess gateway, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken) =>
        StartBesideAsync(gateway, new Uri($"http://127.0.0.1:{FreePort.Next()}"), settings, cancellationToken);

    /// <summary>As above, listening on <paramref name="address"/> (the README's fixed port, say).</summary>
    public static Task<AdminApiProcess> StartBesideAsync(GatewayProcess gateway, Uri address, CancellationToken cancellationToken) =>
        StartBesideAsync(gateway, address, settings: null, cancellationToken);

    private static async Task<AdminApiProcess> StartBesideAsync(GatewayProcess gateway, Uri address, IReadOnlyDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>
        {
            // Urls, not ASPNETCORE_URLS: the admin API's appsettings.json sets Urls, which outranks the prefixed variable.
            ["Urls"] = address.GetLeftPart(UriPartial.Authority),
            ["ConnectionStrings__KeyStore"] = gateway.ConnectionString,
            ["Gateway__RoutesFile"] = gateway.Environment["Gateway__RoutesFile"],
            ["Admin__BootstrapKey"] = BootstrapKey,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        if (gateway.Environment.TryGetValue("RateLimits__Redis", out var redis))
        {
            // Shared limits: the admin API publishes key changes on the same Redis.
            environment["RateLimits__Redis"] = redis;
        }
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        var process = ChildProcess.Start("admin-api", "dotnet", [AdminApiDll], gateway.WorkingDirectory.FullName, environment);
        var admin = new AdminApiProcess(process, address);
        try
        {
            await process.WaitUntilHealthyAsync(new Uri(address, "/healthz"), TimeSpan.FromSeconds(60), cancellationToken);
            return admin;
        }
        catch
        {
            await admin.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client authenticated as the bootstrap owner.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {BootstrapKey}");
        return client;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
