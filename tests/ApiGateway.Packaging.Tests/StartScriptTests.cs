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
