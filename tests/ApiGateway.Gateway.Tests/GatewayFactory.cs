using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Mutations;
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

    /// <summary>The port of <c>Gateway:ForwardAuthUrl</c>: a TestServer request with this local port is a forward-auth question.</summary>
    public const int ForwardAuthPort = 9092;

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
        ["Gateway:ForwardAuthUrl"] = $"http://127.0.0.1:{ForwardAuthPort}",
    };

    /// <summary>Every line the gateway logged at Warning or above.</summary>
    public CapturedLogs Logs { get; } = new();

    public IKeyStore Store => Services.GetRequiredService<IKeyStore>();

    /// <summary>Every key change, as the admin API makes it (rules, audit, change feed).</summary>
    public KeyMutationService Mutations => Services.GetRequiredService<KeyMutationService>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:KeyStore", $"Data Source={DatabasePath}");
        builder.UseSetting("Gateway:RoutesFile", RoutesPath);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddProvider(Logs));
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
        var issuer = Services.GetRequiredService<KeyMutationService>();
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

    /// <summary>POSTs a JSON body to <c>/v1/verify</c> on the forward-auth listener (the only one that answers it).</summary>
    public async Task<HttpResponseMessage> PostVerifyAsync(string json, CancellationToken cancellationToken)
    {
        using var client = new HttpClient(Server.CreateHandler(c => c.Connection.LocalPort = ForwardAuthPort)) { BaseAddress = Server.BaseAddress };
        return await client.PostAsync("/v1/verify", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), cancellationToken);
    }

    /// <summary><c>/v1/verify</c>'s answer to <paramref name="body"/>, which must be a 200 JSON document.</summary>
    public async Task<System.Text.Json.JsonDocument> VerifyAsync(object body, CancellationToken cancellationToken)
    {
        using var response = await PostVerifyAsync(System.Text.Json.JsonSerializer.Serialize(body), cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
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

    /// <summary>
    /// A client whose requests reach the gateway through <paramref name="entry"/>: as themselves at the edge, or as
    /// forward-auth questions about themselves (<see cref="ForwardAuthQuestionHandler"/>).
    /// </summary>
    public HttpClient CreateKeyClient(string? key, GatewayEntry entry, ForwardAuthDialect dialect = ForwardAuthDialect.Traefik)
    {
        if (entry == GatewayEntry.Edge)
        {
            return CreateKeyClient(key);
        }
        var client = new HttpClient(new ForwardAuthQuestionHandler(dialect, Server.CreateHandler(c => c.Connection.LocalPort = ForwardAuthPort)))
        {
            BaseAddress = Server.BaseAddress,
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        }
        return client;
    }

    /// <summary>Sends the request <paramref name="configure"/> builds through <paramref name="entry"/> (see <see cref="CreateKeyClient(string?, GatewayEntry, ForwardAuthDialect)"/>).</summary>
    public Task<Microsoft.AspNetCore.Http.HttpContext> SendAsync(Action<Microsoft.AspNetCore.Http.HttpContext> configure, GatewayEntry entry, CancellationToken cancellationToken) =>
        Server.SendAsync(c =>
        {
            configure(c);
            if (entry == GatewayEntry.ForwardAuth)
            {
                ForwardAuthQuestionHandler.AskAbout(c.Request, ForwardAuthDialect.Traefik);
                c.Connection.LocalPort = ForwardAuthPort;
            }
        }, cancellationToken);

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
