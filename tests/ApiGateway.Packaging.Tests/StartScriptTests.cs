using System.Diagnostics;

namespace ApiGateway.Packaging.Tests;

/// <summary>start.sh (the README's one command) parses and starts what the contract says where it says.</summary>
public sealed class StartScriptTests
{
    private static readonly string Script = Repository.Read("start.sh");

    [Fact]
    public async Task Syntax_BashAcceptsIt()
    {
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", Repository.PathOf("start.sh")]) { RedirectStandardError = true })!;
        var errors = await bash.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(bash.ExitCode == 0, errors);
    }

    [Theory]
    [InlineData("UPSTREAM_URL=http://127.0.0.1:5080")]
    [InlineData("ADMIN_URL=http://127.0.0.1:8081")]
    [InlineData("GATEWAY_PUBLIC=http://0.0.0.0:8080")]
    [InlineData("GATEWAY_INTERNAL=${Gateway__InternalUrl:-http://127.0.0.1:9091}")]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("-c Release")]
    [InlineData("data/logs")]
    [InlineData("Admin__BootstrapKey")]
    [InlineData("trap 'stop_all; exit 143' TERM")]
    public void Script_UsesTheContract(string text)
    {
        Assert.Contains(text, Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Curl_NeverGetsTheCredentialOnItsCommandLine()
    {
        // ps shows every process's arguments to every user: the header goes in on stdin (curl -H @-).
        var curlLines = ExecutedLines().Where(l => l.Contains("curl ", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(curlLines);
        Assert.All(curlLines, l => Assert.DoesNotContain("Bearer", l[l.IndexOf("curl ", StringComparison.Ordinal)..], StringComparison.Ordinal));
        Assert.Contains(curlLines, l => l.Contains("printf 'Authorization: Bearer %s\\n' \"$admin_key\" | curl", StringComparison.Ordinal)
            && l.Contains("-H @-", StringComparison.Ordinal));
    }

    [Fact]
    public void BootstrapKey_ReachesTheAdminApiAlone()
    {
        var lines = ExecutedLines();
        var unset = lines.FindIndex(l => l.Trim() == "unset Admin__BootstrapKey ADMIN_KEY");
        var firstStart = lines.FindIndex(l => l.StartsWith("start ", StringComparison.Ordinal));

        Assert.DoesNotContain(lines, l => l.Contains("export Admin__BootstrapKey", StringComparison.Ordinal) || l.Contains("export ADMIN_KEY", StringComparison.Ordinal));
        Assert.InRange(unset, 0, firstStart);
        // Set on the admin API's command alone: in its environment, not its arguments, and no other child's.
        var setters = lines.Where(l => l.Contains("Admin__BootstrapKey=", StringComparison.Ordinal)).ToList();
        var setter = Assert.Single(setters);
        Assert.StartsWith("Admin__BootstrapKey=$bootstrap_key dotnet ", setter.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void DataDirectory_CreatedUnderUmask077()
    {
        var lines = ExecutedLines();

        Assert.InRange(lines.FindIndex(l => l.Trim() == "umask 077"), 0, lines.FindIndex(l => l.Contains("mkdir -p data", StringComparison.Ordinal)));
    }

    /// <summary>The script's lines without comments and without heredoc bodies (text it prints, not runs).</summary>
    private static List<string> ExecutedLines()
    {
        var lines = new List<string>();
        string? heredocEnd = null;
        foreach (var line in Script.Split('\n'))
        {
            if (heredocEnd is not null)
            {
                heredocEnd = line.Trim() == heredocEnd ? null : heredocEnd;
                continue;
            }
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            lines.Add(line);
            var marker = line.IndexOf("<<", StringComparison.Ordinal);
            if (marker >= 0 && !line.Contains("<<<", StringComparison.Ordinal))
            {
                heredocEnd = line[(marker + 2)..].Trim().TrimStart('-').Trim('\'', '"').Split(' ')[0];
            }
        }
        return lines;
    }

    [Theory]
    [InlineData("samples/DemoUpstream/DemoUpstream.csproj")]
    [InlineData("admin-api/ApiGateway.AdminApi.csproj")]
    [InlineData("gateway/ApiGateway.Gateway.csproj")]
    public void Projects_ItBuilds_Exist(string project)
    {
        Assert.Contains(project, Script, StringComparison.Ordinal);
        Assert.True(Repository.Exists(project));
    }
}
