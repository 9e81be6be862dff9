using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.Gateway.Tests;

/// <summary>
/// The real gateway (TestServer) over a temp SQLite file and a routes file pointing at two real Kestrel upstreams
/// (<see cref="Upstream"/>, and <see cref="Sandbox"/> for test keys), with a fake clock.
/// </summary>
public sealed class GatewayFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly Actor TestActor = new("adm_tests", "tests");

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-tests-");

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public UpstreamServer Upstream { get; } = new();

    public UpstreamServer Sandbox { get; } = new();

    public string RoutesPath => Path.Combine(_dir.FullName, "routes.json");

    public string DatabasePath => Path.Combine(_dir.FullName, "keys.db");

    /// <summary>Extra settings for a derived fixture.</summary>
    public Dictionary<string, string> Settings { get; } = new()
    {
        ["Gateway:TrustedProxies"] = "10.0.0.0/8",
    };

    public IKeyStore Store => Services.GetRequiredService<IKeyStore>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:KeyStore", $"Data Source={DatabasePath}");
        builder.UseSetting("Gateway:RoutesFile", RoutesPath);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public async ValueTask InitializeAsync()
    {
        await Upstream.StartAsync();
        await Sandbox.StartAsync();
        WriteRoutes(TestRoutes.Json(Upstream.BaseAddress, Sandbox.BaseAddress));
    }

    /// <summary>Replaces the routes file atomically (write aside, then rename), as a deploy tool would.</summary>
    public void WriteRoutes(string json)
    {
        var temp = RoutesPath + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, RoutesPath, overwrite: true);
    }

    public async Task<IssuedKey> MintAsync(
        string[] scopes, KeyMode mode = KeyMode.Live, string workspaceId = "ws_main", string[]? workspaces = null,
        string[]? allowedIps = null, DateTimeOffset? expiresAt = null, string? owner = null)
    {
        var issuer = Services.GetRequiredService<KeyIssuer>();
        var spec = new KeySpec("test key", workspaceId, scopes, owner, mode, expiresAt, null, null, null, allowedIps ?? [], workspaces ?? []);
        var result = await issuer.CreateAsync(spec, TestActor, TestContext.Current.CancellationToken);
        return result.Issued ?? throw new InvalidOperationException($"Minting failed: {result.Status}");
    }

    /// <summary>Pauses a key as <c>PATCH enabled: false</c> does, with its change-feed row (so cached copies go).</summary>
    public async Task DisableAsync(string keyId)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var at = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE api_keys SET disabled_at = $at WHERE id = $id; INSERT INTO key_changes (key_id, at) VALUES ($id, $at);";
        command.Parameters.AddWithValue("$at", at);
        command.Parameters.AddWithValue("$id", keyId);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public HttpClient CreateKeyClient(string? key)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        }
        return client;
    }

    /// <summary>Lets the change-feed poller run one interval on the fake clock.</summary>
    public void AdvancePoll() => Clock.Advance(TimeSpan.FromMilliseconds(250));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Upstream.DisposeAsync();
        await Sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            _dir.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
