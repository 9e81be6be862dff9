using System.Net;
using System.Net.Sockets;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real nginx (the Debian <c>nginx</c> package, listed in <c>.ci/apt-packages.txt</c>; it has
/// <c>ngx_http_auth_request_module</c>) as a private foreground process: its own prefix, config, pid file, logs and temp
/// paths in a temp directory, the given <c>server</c>/<c>upstream</c> blocks inside a generated <c>http</c> block.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;
    private readonly ChildProcess _process;

    private NginxServer(DirectoryInfo directory, ChildProcess process)
    {
        _directory = directory;
        _process = process;
    }

    public ChildProcess Process => _process;

    public string ErrorLog => ReadLog("error.log");

    public static string Binary { get; } = new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx" }.FirstOrDefault(File.Exists) ?? "nginx";

    /// <summary>Starts nginx with <paramref name="httpBlocks"/> and waits until <paramref name="listenPort"/> accepts connections.</summary>
    public static async Task<NginxServer> StartAsync(string httpBlocks, int listenPort, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("apigw-nginx-");
        var root = directory.FullName;
        var config = $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{root}}/nginx.pid;
            error_log {{root}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path {{root}}/client_body;
                proxy_temp_path {{root}}/proxy;
                fastcgi_temp_path {{root}}/fastcgi;
                uwsgi_temp_path {{root}}/uwsgi;
                scgi_temp_path {{root}}/scgi;
            {{httpBlocks}}
            }
            """;
        var configPath = Path.Combine(root, "nginx.conf");
        await File.WriteAllTextAsync(configPath, config, cancellationToken);
        var process = ChildProcess.Start("nginx", Binary, ["-p", root + "/", "-c", configPath, "-e", Path.Combine(root, "error.log")], root);
        var server = new NginxServer(directory, process);
        var ready = await Poll.UntilAsync(
            async ct => !process.HasExited && await AcceptsAsync(listenPort, ct),
            accepted => accepted || process.HasExited,
            TimeSpan.FromSeconds(30),
            cancellationToken);
        if (!ready)
        {
            var description = $"{process.Describe()} error.log: {server.ErrorLog}";
            await server.DisposeAsync();
            throw new InvalidOperationException($"nginx did not start. {description}");
        }
        return server;
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string ReadLog(string name)
    {
        var path = Path.Combine(_directory.FullName, name);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "(none)";
        }
        catch (IOException)
        {
            return "(unreadable)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
