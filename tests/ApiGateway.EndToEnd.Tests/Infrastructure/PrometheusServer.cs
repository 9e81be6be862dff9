using System.Globalization;
using System.Net;
using System.Text.Json;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real Prometheus server (the Debian <c>prometheus</c> package, listed in <c>.ci/apt-packages.txt</c>) on a free
/// port with a generated config and a temp TSDB, scraping the given targets every second; queried via its HTTP API.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;
    private readonly ChildProcess _process;
    private readonly HttpClient _client;

    private PrometheusServer(DirectoryInfo directory, ChildProcess process, Uri address)
    {
        _directory = directory;
        _process = process;
        Address = address;
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Address { get; }

    public ChildProcess Process => _process;

    public static string Binary { get; } = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists) ?? "prometheus";

    public static async Task<PrometheusServer> StartAsync(string job, IEnumerable<Uri> targets, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("apigw-prometheus-");
        var config = $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: {job}
                metrics_path: /metrics
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"\"{t.Authority}\""))}]
            """;
        var configPath = Path.Combine(directory.FullName, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config, cancellationToken);
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var process = ChildProcess.Start("prometheus", Binary,
            [$"--config.file={configPath}", $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
             $"--web.listen-address={address.Authority}", "--log.level=warn"],
            directory.FullName);
        var server = new PrometheusServer(directory, process, address);
        var ready = await Poll.UntilAsync(
            async ct =>
            {
                if (process.HasExited)
                {
                    return HttpStatusCode.ServiceUnavailable;
                }
                using var response = await server._client.GetAsync(new Uri("/-/ready", UriKind.Relative), ct);
                return response.StatusCode;
            },
            s => s == HttpStatusCode.OK || process.HasExited,
            TimeSpan.FromSeconds(60),
            cancellationToken);
        if (ready != HttpStatusCode.OK)
        {
            var description = process.Describe();
            await server.DisposeAsync();
            throw new InvalidOperationException($"Prometheus did not become ready. {description}");
        }
        return server;
    }

    /// <summary>Runs an instant query (<c>/api/v1/query</c>) and returns the vector's samples.</summary>
    public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(string promql, CancellationToken cancellationToken)
    {
        var uri = new Uri($"/api/v1/query?query={Uri.EscapeDataString(promql)}", UriKind.Relative);
        using var response = await _client.GetAsync(uri, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        var data = json.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "vector")
        {
            throw new InvalidOperationException($"Expected a vector result for '{promql}'.");
        }
        return data.GetProperty("result").EnumerateArray().Select(r => new PrometheusSample(
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _process.StopAsync(TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value);
