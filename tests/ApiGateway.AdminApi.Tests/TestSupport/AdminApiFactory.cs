using System.Net.Http.Headers;
using ApiGateway.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ApiGateway.AdminApi.Tests.TestSupport;

/// <summary>
/// The admin API in-process on a real SQLite temp file, a routes file of its own, a fake clock and captured logs.
/// The owner credential comes from <c>Admin:BootstrapKey</c> so tests know it; shared per test class.
/// </summary>
public sealed class AdminApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string OwnerCredential = "test-owner-credential-0123456789abcdefghij";

    public const string RoutesJson = """
        {
          "ReverseProxy": {
            "Routes": {
              "contacts": { "ClusterId": "demo", "Match": { "Path": "/v1/contacts/{**rest}" }, "Metadata": { "Resource": "contacts" } },
              "invoices": { "ClusterId": "demo", "Match": { "Path": "/v1/invoices/{**rest}" },
                            "Metadata": { "Scopes": "invoices:read", "Scopes.POST": "invoices:write" } },
              "status":   { "ClusterId": "demo", "Match": { "Path": "/v1/status" }, "Metadata": { "Public": "true" } }
            },
            "Clusters": { "demo": { "Destinations": { "d1": { "Address": "http://127.0.0.1:5080/" } } } }
          }
        }
        """;

    private readonly TempDatabase _database = new();
    private readonly Dictionary<string, string?> _settings = new(StringComparer.Ordinal);

    public AdminApiFactory()
    {
        RoutesFile = Path.Combine(_database.Directory.FullName, "routes.json");
        File.WriteAllText(RoutesFile, RoutesJson);
        _settings["ConnectionStrings:KeyStore"] = _database.ConnectionString;
        _settings["Gateway:RoutesFile"] = RoutesFile;
        _settings["Admin:BootstrapKey"] = OwnerCredential;
        _settings["Keys:MaxActivePerOwner"] = "10";
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public CapturedLogs Logs { get; } = new();

    public string RoutesFile { get; }

    public TempDatabase Database => _database;

    /// <summary>Overrides a setting; only before the first client is created.</summary>
    public AdminApiFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>
    /// Removes the webhook dispatcher and key-event scanner hosted services: a test then runs their passes itself
    /// (<c>ActivatorUtilities.CreateInstance</c>), so nothing is sent or scanned between the steps it names.
    /// </summary>
    public AdminApiFactory WithoutWebhookWorkers()
    {
        _withoutWebhookWorkers = true;
        return this;
    }

    private bool _withoutWebhookWorkers;

    public HttpClient CreateClient(string? credential)
    {
        var client = CreateClient();
        if (credential is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
        return client;
    }

    public HttpClient CreateOwnerClient() => CreateClient(OwnerCredential);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            if (_withoutWebhookWorkers)
            {
                foreach (var worker in services.Where(d => d.ServiceType == typeof(IHostedService)
                    && d.ImplementationType is { } type && type.Namespace == typeof(AdminApi.Webhooks.WebhookDispatcher).Namespace).ToArray())
                {
                    services.Remove(worker);
                }
            }
        });
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
