using System.Reflection;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The built gateway (<c>dotnet ApiGateway.Gateway.dll</c>) as a real process: its own temp working directory, a temp
/// SQLite database (<see cref="Keys"/> mints straight into it), a routes file, free public and internal ports, and
/// settings as environment variables, the way an operator runs it. Started when <c>/healthz</c> answers on the
/// internal port.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDatabase _database;
    private ChildProcess _process;

    private readonly int? _openFileLimit;

    private GatewayProcess(TempDatabase database, ChildProcess process, Uri publicAddress, Uri internalAddress, IReadOnlyDictionary<string, string> environment, TestKeyStore keys, int? openFileLimit)
    {
        _database = database;
        _openFileLimit = openFileLimit;
        _process = process;
        PublicAddress = publicAddress;
        InternalAddress = internalAddress;
        Environment = environment;
        Keys = keys;
    }

    /// <summary>The gateway's working directory; relative paths in its settings resolve here.</summary>
    public DirectoryInfo WorkingDirectory => _database.Directory;

    public string ConnectionString => _database.ConnectionString;

    public Uri PublicAddress { get; }

    public Uri InternalAddress { get; }

    /// <summary>The settings the process was started with (<c>Section__Key</c> environment variables).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The same database through the keys library: mint keys, read usage.</summary>
    public TestKeyStore Keys { get; }

    public ChildProcess Process => _process;

    /// <summary>Path of the built gateway, recorded at build time (the test project builds the gateway first).</summary>
    public static string GatewayDll { get; } = typeof(GatewayProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "GatewayDll").Value!;

    /// <summary>
    /// Starts the gateway with <paramref name="routesJson"/> as its routes file and <paramref name="settings"/> on top of
    /// the defaults (public and internal URLs on free ports, the temp database, the routes file).
    /// </summary>
    public static Task<GatewayProcess> StartAsync(string routesJson, IReadOnlyDictionary<string, string>? settings = null, CancellationToken cancellationToken = default) =>
        StartAsync(routesJson, settings, openFileLimit: null, cancellationToken);

    /// <summary>As above; with <paramref name="openFileLimit"/> the process runs under that <c>ulimit -n</c> (soft and hard), as a small container would.</summary>
    public static async Task<GatewayProcess> StartAsync(string routesJson, IReadOnlyDictionary<string, string>? settings, int? openFileLimit, CancellationToken cancellationToken)
    {
        var database = new TempDatabase();
        TestKeyStore? keys = null;
        GatewayProcess? gateway = null;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(database.Directory.FullName, "routes.json"), routesJson, cancellationToken);
            var publicAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var internalAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = publicAddress.GetLeftPart(UriPartial.Authority),
                ["Gateway__InternalUrl"] = internalAddress.GetLeftPart(UriPartial.Authority),
                ["ConnectionStrings__KeyStore"] = database.ConnectionString,
                ["Gateway__RoutesFile"] = "routes.json",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__Console__FormatterName"] = "simple",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                environment[key] = value;
            }
            // A test that names the internal address (the README's fixed port) is waited for there.
            internalAddress = new Uri(environment["Gateway__InternalUrl"]);
            keys = await TestKeyStore.OpenAsync(database.ConnectionString, cancellationToken);
            gateway = new GatewayProcess(database, Launch(database, environment, openFileLimit), publicAddress, internalAddress, environment, keys, openFileLimit);
            await gateway.WaitUntilHealthyAsync(cancellationToken);
            return gateway;
        }
        catch
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }
            else
            {
                if (keys is not null)
                {
                    await keys.DisposeAsync();
                }
                database.Dispose();
            }
            throw;
        }
    }

    public HttpClient CreatePublicClient(string? key = null)
    {
        var client = new HttpClient { BaseAddress = PublicAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        }
        return client;
    }

    public HttpClient CreateInternalClient() => new() { BaseAddress = InternalAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Graceful stop (SIGTERM): the gateway drains requests and runs its shutdown work (e.g. the last usage flush).</summary>
    public async Task StopAsync()
    {
        var graceful = await _process.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(graceful, $"The gateway did not stop within 30 s of SIGTERM. {_process.Describe()}");
    }

    /// <summary>Hard kill (SIGKILL): no shutdown code runs.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Starts the gateway again on the same ports, database and settings (after a stop or a kill).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await _process.DisposeAsync();
        _process = Launch(_database, Environment, _openFileLimit);
        await WaitUntilHealthyAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await Keys.DisposeAsync();
        _database.Dispose();
    }

    private static ChildProcess Launch(TempDatabase database, IReadOnlyDictionary<string, string> environment, int? openFileLimit) =>
        openFileLimit is { } limit
            // exec: the shell becomes the gateway, so the process id (signals, kill) is the gateway's own.
            ? ChildProcess.Start("gateway", "bash", ["-c", $"ulimit -n {limit} && exec dotnet \"$0\"", GatewayDll], database.Directory.FullName, environment)
            : ChildProcess.Start("gateway", "dotnet", [GatewayDll], database.Directory.FullName, environment);

    private Task WaitUntilHealthyAsync(CancellationToken cancellationToken) =>
        _process.WaitUntilHealthyAsync(new Uri(InternalAddress, "/healthz"), StartTimeout, cancellationToken);
}
