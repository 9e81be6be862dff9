using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>
/// The built gateway (<c>dotnet ApiGateway.Gateway.dll</c>) as a real process on free loopback ports, sharing the
/// console fixture's database and routes file, flushing usage every second. Killed on dispose.
/// </summary>
public sealed class GatewayRunner : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayRunner(Process process, Uri publicAddress, Uri internalAddress)
    {
        _process = process;
        PublicAddress = publicAddress;
        InternalAddress = internalAddress;
    }

    public Uri PublicAddress { get; }

    public Uri InternalAddress { get; }

    public static string GatewayDll { get; } = typeof(GatewayRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "GatewayDll").Value!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<GatewayRunner> StartAsync(string connectionString, string routesFile, string workingDirectory, CancellationToken cancellationToken)
    {
        var publicAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var internalAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(GatewayDll);
        info.Environment["ASPNETCORE_URLS"] = publicAddress.GetLeftPart(UriPartial.Authority);
        info.Environment["Gateway__InternalUrl"] = internalAddress.GetLeftPart(UriPartial.Authority);
        info.Environment["ConnectionStrings__KeyStore"] = connectionString;
        info.Environment["Gateway__RoutesFile"] = routesFile;
        info.Environment["Usage__FlushSeconds"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info };
        var runner = new GatewayRunner(process, publicAddress, internalAddress);
        process.OutputDataReceived += (_, e) => runner.Append(e.Data);
        process.ErrorDataReceived += (_, e) => runner.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await runner.WaitUntilHealthyAsync(cancellationToken);
            return runner;
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient(string key)
    {
        var client = new HttpClient { BaseAddress = PublicAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = InternalAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(StartTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // One probe outlived its 5 s (a starting process on a busy machine): ask again until the deadline.
            }
            await Task.Delay(100, cancellationToken); // polling a process we do not control, to a deadline
        }
        throw new InvalidOperationException($"The gateway did not become healthy.{Environment.NewLine}{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
