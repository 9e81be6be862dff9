using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace ApiGateway.Packaging.Tests;

/// <summary>
/// docker-compose.yml's start order, cluster profile, Prometheus targets and secrets, checked by parsing it (no container
/// engine runs here); the one-shot scripts compose would run are run here with sh, as compose would pass them.
/// </summary>
public sealed class ComposeClusterAndHealthTests
{
    private static readonly YamlMappingNode Compose = Repository.Yaml("docker-compose.yml");
    private static YamlMappingNode Services => Compose.Map("services");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("", 1)]
    [InlineData("redis:6379", 0)]
    public async Task ClusterPreflight_WithoutRedisSetting_Fails(string redis, int exitCode)
    {
        var preflight = Services.Map("cluster-preflight");
        Assert.Equal(["cluster"], preflight.Seq("profiles").Scalars());
        Assert.Equal("${RATE_LIMITS_REDIS:-}", preflight.Map("environment").Pairs()["RATE_LIMITS_REDIS"]);

        var (code, error) = await RunOneShotAsync(preflight, new() { ["RATE_LIMITS_REDIS"] = redis });

        Assert.Equal(exitCode, code);
        Assert.Equal(exitCode != 0, error.Contains("RATE_LIMITS_REDIS=redis:6379", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gateway", false)]
    [InlineData("admin-api", false)]
    [InlineData("gateway-2", true)]
    [InlineData("gateway-3", true)]
    public void ClusterPreflight_GatesEveryGatewayAndTheAdminApi(string service, bool inClusterProfile)
    {
        var dependency = Services.Map(service).Map("depends_on").Map("cluster-preflight");

        Assert.Equal("service_completed_successfully", dependency.Text("condition"));
        // Outside the profile the preflight does not exist: compose must not require it there.
        Assert.Equal(inClusterProfile ? null : "false", dependency.Text("required"));
    }

    [Fact]
    public void DependsOn_EveryDependency_WaitsForHealthOrCompletion()
    {
        var dependencies = Services.Children
            .Where(s => s.Value.Has("depends_on"))
            .SelectMany(s => ((YamlMappingNode)s.Value.Map("depends_on")).Children
                .Select(d => (Service: ((YamlScalarNode)s.Key).Value!, On: ((YamlScalarNode)d.Key).Value!, Condition: d.Value.Text("condition"))))
            .ToList();

        Assert.NotEmpty(dependencies);
        Assert.All(dependencies, d => Assert.Contains(d.Condition, new[] { "service_healthy", "service_completed_successfully" }));
        Assert.All(dependencies.Where(d => d.Condition == "service_healthy"), d => Assert.True(HasHealthcheck(d.On), $"{d.Service} waits for {d.On} to be healthy, which has no healthcheck"));
        Assert.All(dependencies.Where(d => d.Condition == "service_completed_successfully"),
            d => Assert.Equal("no", Services.Map(d.On).Text("restart")));
    }

    [Fact]
    public void Prometheus_ScrapesEveryGateway()
    {
        var gateways = Services.Children
            .Where(s => s.Value.Text("image") == Services.Map("gateway").Text("image"))
            .Select(s => ((YamlScalarNode)s.Key).Value!).Order().ToList();
        var config = Repository.Yaml("config/prometheus.compose.yml");

        var job = Assert.Single(config.Seq("scrape_configs").Children);
        var discovery = Assert.Single(job.Seq("dns_sd_configs").Children);
        Assert.Equal(["gateway", "gateway-2", "gateway-3"], gateways);
        Assert.Equal(gateways, discovery.Seq("names").Scalars().Order());
        Assert.Equal("9091", discovery.Text("port"));
    }

    [Theory]
    [InlineData("", 24)]
    [InlineData("chosen-by-the-operator", 22)]
    public async Task Grafana_NoDefaultPassword_GeneratedUnlessChosen(string chosen, int length)
    {
        var grafana = Services.Map("grafana").Map("environment").Pairs();
        Assert.False(grafana.ContainsKey("GF_SECURITY_ADMIN_PASSWORD"));
        Assert.Equal("/run/grafana/admin-password", grafana["GF_SECURITY_ADMIN_PASSWORD__FILE"]);
        Assert.DoesNotContain("GRAFANA_ADMIN_PASSWORD=admin", Repository.Read(".env.example"), StringComparison.Ordinal);

        var dir = Directory.CreateTempSubdirectory("grafana-secret-");
        var (code, error) = await RunOneShotAsync(Services.Map("grafana-password"), new() { ["GRAFANA_ADMIN_PASSWORD"] = chosen },
            script => script.Replace("/run/grafana/", dir.FullName + "/", StringComparison.Ordinal).Replace("chown 472 \"$f\" && ", "", StringComparison.Ordinal));

        Assert.True(code == 0, error);
        var password = await File.ReadAllTextAsync(Path.Combine(dir.FullName, "admin-password"), Ct);
        Assert.Equal(length, password.Length);
        Assert.True(chosen.Length > 0 ? password == chosen : password.All(char.IsAsciiLetterOrDigit), password);
        Assert.NotEqual("admin", password);
    }

    [Fact]
    public void AdminApi_GeneratedBootstrapCredential_GoesToAFileOnTheVolumeNotTheLog()
    {
        var env = Services.Map("admin-api").Map("environment").Pairs();

        Assert.Equal("data/bootstrap-admin-key", env["Admin__BootstrapKeyFile"]);
        Assert.Contains("keys-data:/app/data", Services.Map("admin-api").Seq("volumes").Scalars());
        Assert.Contains("cat data/bootstrap-admin-key && rm data/bootstrap-admin-key", Repository.Read("docs/deploy.md"), StringComparison.Ordinal);
    }

    /// <summary>Our images carry a Dockerfile HEALTHCHECK; the others need one in the compose file.</summary>
    private static bool HasHealthcheck(string service)
    {
        var node = Services.Map(service);
        if (node.Has("healthcheck"))
        {
            return true;
        }
        var dockerfile = node.Has("build") ? node.Map("build").Text("dockerfile")
            : node.Text("image") == Services.Map("gateway").Text("image") ? Services.Map("gateway").Map("build").Text("dockerfile") : null;
        return dockerfile is not null && Repository.Read(dockerfile).Contains("HEALTHCHECK", StringComparison.Ordinal);
    }

    /// <summary>Runs a one-shot service's <c>sh -c</c> command as compose would (<c>$$</c> is compose's escape for <c>$</c>).</summary>
    private static async Task<(int ExitCode, string Error)> RunOneShotAsync(YamlMappingNode service, Dictionary<string, string> environment, Func<string, string>? adapt = null)
    {
        Assert.Equal(["sh", "-c"], service.Seq("entrypoint").Scalars());
        var script = Assert.Single(service.Seq("command").Scalars()).Replace("$$", "$", StringComparison.Ordinal);
        script = adapt?.Invoke(script) ?? script;
        var start = new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, error);
    }
}
