using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.QuickStart;

/// <summary>
/// README.md's Quick start, run as written: its shell block is read from the README and pasted into bash twice in a row
/// against the stack on the ports it names (demo upstream :5080, admin API :8081, gateway :8080, internal :9091). The
/// only line left out is <c>export ADMIN_KEY=agw_admin_...</c>, the placeholder a reader replaces with their credential.
/// </summary>
[Collection(nameof(ReadmePorts))]
public sealed partial class ReadmeQuickStartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string DemoUpstreamDll { get; } = typeof(ReadmeQuickStartTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DemoUpstreamDll").Value!;

    [Fact]
    public async Task QuickStart_PastedTwice_EveryStepAnswersWhatTheReadmeSays()
    {
        var script = QuickStartBlock();
        var routes = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "config", "routes.json"), Ct);
        await using var upstream = await StartUpstreamAsync();
        await using var gateway = await GatewayProcess.StartAsync(routes, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:8080",
            ["Gateway__InternalUrl"] = "http://127.0.0.1:9091",
        }, Ct);
        await using var admin = await AdminApiProcess.StartBesideAsync(gateway, new Uri("http://127.0.0.1:8081"), Ct);

        foreach (var paste in new[] { 1, 2 })
        {
            var output = await RunBashAsync(script, AdminApiProcess.BootstrapKey);

            var statuses = StatusLine().Matches(output).Select(m => m.Groups["status"].Value).ToList();
            Assert.True(statuses.SequenceEqual(["401", "403", "401"]), $"paste {paste}: statuses {string.Join(",", statuses)}\n{output}");
            Assert.Contains("ws_demo", output, StringComparison.Ordinal); // the upstream echoed X-Workspace-Id
            Assert.Contains("contacts:write", output, StringComparison.Ordinal); // the 403 names the missing scope
            Assert.Contains("\"status\":\"revoked\"", output, StringComparison.Ordinal); // DELETE answered the revoked record
            Assert.Contains("gateway_requests_total", output, StringComparison.Ordinal);
            Assert.Contains("key.revoked", output, StringComparison.Ordinal);
        }
    }

    /// <summary>The first <c>```sh</c> block under "## Quick start", minus the credential placeholder line.</summary>
    internal static string QuickStartBlock()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var section = readme[readme.IndexOf("\n## Quick start", StringComparison.Ordinal)..];
        var start = section.IndexOf("```sh\n", StringComparison.Ordinal) + "```sh\n".Length;
        var block = section[start..section.IndexOf("\n```", start, StringComparison.Ordinal)];
        var lines = block.Split('\n').ToList();
        Assert.Equal(1, lines.RemoveAll(l => l.StartsWith("export ADMIN_KEY=agw_admin_...", StringComparison.Ordinal)));
        return string.Join('\n', lines);
    }

    private static async Task<string> RunBashAsync(string script, string adminKey)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ADMIN_KEY"] = adminKey;
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync(Ct);
        var error = bash.StandardError.ReadToEndAsync(Ct);
        await bash.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.True(bash.ExitCode == 0, $"bash exited {bash.ExitCode}: {await error}");
        return await output;
    }

    private static async Task<ChildProcess> StartUpstreamAsync()
    {
        var directory = Directory.CreateTempSubdirectory("demo-upstream-");
        var process = ChildProcess.Start("demo-upstream", "dotnet", [DemoUpstreamDll], directory.FullName,
            new Dictionary<string, string> { ["Urls"] = "http://127.0.0.1:5080" });
        using var client = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:5080") };
        var status = await Poll.UntilAsync(async ct =>
        {
            using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK || process.HasExited, TimeSpan.FromSeconds(60), Ct);
        if (status != HttpStatusCode.OK)
        {
            var described = process.Describe();
            await process.DisposeAsync();
            Assert.Fail($"The demo upstream did not start on :5080 (is the port taken?). {described}");
        }
        return process;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApiGateway.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("ApiGateway.sln not found above the test output.");
    }

    // Not anchored: curl -i output follows the previous command's body on the same line (bodies end without a newline).
    [GeneratedRegex(@"HTTP/[0-9.]+ (?<status>[0-9]{3}) ")]
    private static partial Regex StatusLine();
}

/// <summary>Tests that listen on the README's fixed ports (5080, 8080, 8081, 9091) never run at the same time.</summary>
[CollectionDefinition(nameof(ReadmePorts), DisableParallelization = true)]
public sealed class ReadmePorts;
