using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ApiGateway.Packaging.Tests;

/// <summary>docker-compose.yml, checked structurally: this machine has no container engine to run it.</summary>
public sealed partial class ComposeFileTests
{
    private static readonly YamlMappingNode Compose = Repository.Yaml("docker-compose.yml");
    private static YamlMappingNode Services => Compose.Map("services");

    [Fact]
    public void Services_AllFivePresent()
    {
        // Services of an opt-in profile (cluster: Redis, more gateways, nginx; docs/scale-out.md) are not the default stack.
        // One-shot helpers (restart: "no", e.g. grafana-password) run and exit; they are not part of the running stack.
        var names = Services.Children
            .Where(s => !((YamlMappingNode)s.Value).Children.ContainsKey(new YamlScalarNode("profiles")))
            .Where(s => s.Value.Text("restart") != "no")
            .Select(s => ((YamlScalarNode)s.Key).Value).ToHashSet();
        Assert.Equal(new HashSet<string?> { "upstream", "admin-api", "gateway", "prometheus", "grafana" }, names);
    }

    [Theory]
    [InlineData("upstream", "samples/DemoUpstream/Dockerfile")]
    [InlineData("admin-api", "admin-api/Dockerfile")]
    [InlineData("gateway", "gateway/Dockerfile")]
    public void Build_OurServices_UseTheirDockerfileFromTheRepositoryRoot(string service, string dockerfile)
    {
        var build = Services.Map(service).Map("build");

        Assert.Equal(".", build.Text("context"));
        Assert.Equal(dockerfile, build.Text("dockerfile"));
        Assert.True(Repository.Exists(dockerfile), dockerfile);
    }

    [Fact]
    public void Volumes_EveryBindMountSource_Exists()
    {
        var sources = Services.Children.Values
            .Where(s => s.Has("volumes"))
            .SelectMany(s => s.Seq("volumes").Scalars())
            .Select(v => v.Split(':')[0])
            .Where(source => source.StartsWith('.'))
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(Repository.Exists(source), $"{source} is mounted but does not exist"));
    }

    [Fact]
    public void Volumes_NamedOnes_AreDeclared()
    {
        var declared = Compose.Map("volumes").Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToHashSet();
        var used = Services.Children.Values.Where(s => s.Has("volumes")).SelectMany(s => s.Seq("volumes").Scalars())
            .Select(v => v.Split(':')[0]).Where(source => !source.StartsWith('.') && !source.StartsWith('/'));

        Assert.All(used, name => Assert.Contains(name, declared));
    }

    [Fact]
    public void AdminApi_ReachableFromTheHostOnLoopbackOnly()
    {
        var admin = Services.Map("admin-api");
        var ports = admin.Seq("ports").Scalars().Select(Port.Parse).ToList();

        var port = Assert.Single(ports);
        Assert.Equal("127.0.0.1", port.HostIp);
        Assert.Equal(Contract.AdminPort, port.HostPort);
        Assert.Equal(ListenPort(Env("admin-api")["Urls"]), port.ContainerPort);
        Assert.Equal(Contract.AdminPort, port.ContainerPort);
    }

    [Fact]
    public void Gateway_PublicPortOpenInternalPortOnLoopback()
    {
        var ports = Services.Map("gateway").Seq("ports").Scalars().Select(Port.Parse).ToList();
        var env = Env("gateway");

        var publicPort = Assert.Single(ports, p => p.ContainerPort == Contract.GatewayPort);
        Assert.Null(publicPort.HostIp);
        Assert.Equal(Contract.GatewayPort, publicPort.HostPort);
        Assert.Equal(Contract.GatewayPort, ListenPort(env["Urls"]));

        // InternalUrl listens on 0.0.0.0 inside the container network so Prometheus can scrape it; the host sees loopback only.
        Assert.Equal("http://0.0.0.0:9091", env["Gateway__InternalUrl"]);
        var internalPort = Assert.Single(ports, p => p.ContainerPort == Contract.GatewayInternalPort);
        Assert.Equal("127.0.0.1", internalPort.HostIp);
    }

    [Fact]
    public void Ports_EverythingButTheGatewayEdge_BoundToLoopback()
    {
        var open = Services.Children
            .Where(s => s.Value.Has("ports"))
            .SelectMany(s => s.Value.Seq("ports").Scalars().Select(p => (Service: ((YamlScalarNode)s.Key).Value, Port: Port.Parse(p))))
            .Where(p => p.Port.HostIp != "127.0.0.1")
            .ToList();

        var edge = Assert.Single(open);
        Assert.Equal(("gateway", Contract.GatewayPort), (edge.Service, edge.Port.ContainerPort));
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("admin-api")]
    public void Environment_EveryName_IsAContractSetting(string service)
    {
        Assert.All(Env(service).Keys, name => Assert.Contains(name, Contract.Settings));
    }

    [Fact]
    public void Environment_StoreSettings_SharedByGatewayAndAdminApi()
    {
        var gateway = Env("gateway");
        var admin = Env("admin-api");

        foreach (var name in new[] { "ConnectionStrings__KeyStore", "Keys__Pepper", "Keys__Prefix", "KeyStore__Provider", "Gateway__RoutesFile" })
        {
            Assert.True(gateway.ContainsKey(name), $"gateway lacks {name}");
            Assert.Equal(gateway[name], admin[name]);
        }
        Assert.Equal("Data Source=data/keys.db", gateway["ConnectionStrings__KeyStore"]);
    }

    [Fact]
    public void Volumes_DatabaseVolume_MountedAtTheSamePathInBoth()
    {
        static string DataMount(string service) =>
            Assert.Single(Services.Map(service).Seq("volumes").Scalars(), v => v.Split(':')[1] == "/app/data");

        Assert.Equal(DataMount("gateway"), DataMount("admin-api"));
        Assert.False(DataMount("gateway").StartsWith('.'), "the database lives on a named volume");
        // The images work in /app, so the relative "data/keys.db" lands on that volume.
        Assert.Contains("WORKDIR /app", Repository.Read("gateway/Dockerfile"), StringComparison.Ordinal);
        Assert.Contains("WORKDIR /app", Repository.Read("admin-api/Dockerfile"), StringComparison.Ordinal);
    }

    [Fact]
    public void RoutesFile_ComposeVariant_SameRoutesWithTheDemoClusterOnTheUpstreamService()
    {
        var routesFile = Env("gateway")["Gateway__RoutesFile"];
        Assert.Equal("config/routes.compose.json", routesFile);
        Assert.Contains("./config:/app/config:ro", Services.Map("gateway").Seq("volumes").Scalars());

        using var local = JsonDocument.Parse(Repository.Read("config/routes.json"));
        using var compose = JsonDocument.Parse(Repository.Read(routesFile));
        var localProxy = local.RootElement.GetProperty("ReverseProxy");
        var composeProxy = compose.RootElement.GetProperty("ReverseProxy");

        Assert.Equal(Normalize(localProxy.GetProperty("Routes").GetRawText()), Normalize(composeProxy.GetProperty("Routes").GetRawText()));
        var expectedClusters = localProxy.GetProperty("Clusters").GetRawText().Replace("127.0.0.1:5080", "upstream:5080", StringComparison.Ordinal);
        Assert.Equal(Normalize(expectedClusters), Normalize(composeProxy.GetProperty("Clusters").GetRawText()));
        Assert.Contains($"{Contract.UpstreamPort}", Services.Map("upstream").Seq("expose").Scalars());
        Assert.Equal(Contract.UpstreamPort, ListenPort(Env("upstream")["Urls"]));
    }

    [Fact]
    public void Prometheus_ScrapesTheGatewayInternalPortOverTheComposeNetwork()
    {
        var prometheus = Services.Map("prometheus");
        var mount = Assert.Single(prometheus.Seq("volumes").Scalars(), v => v.EndsWith("/etc/prometheus/prometheus.yml:ro", StringComparison.Ordinal));
        var config = Repository.Yaml(mount.Split(':')[0]);

        var job = Assert.Single(config.Seq("scrape_configs").Children);
        Assert.Equal("/metrics", job.Text("metrics_path"));
        var discovery = Assert.Single(job.Seq("dns_sd_configs").Children);
        Assert.Contains("gateway", discovery.Seq("names").Scalars());
        Assert.Equal($"{ListenPort(Env("gateway")["Gateway__InternalUrl"])}", discovery.Text("port"));
    }

    [Fact]
    public void Prometheus_LocalConfig_ScrapesTheDefaultInternalUrl()
    {
        var config = Repository.Yaml("config/prometheus.yml");

        var targets = config.Seq("scrape_configs").Children.SelectMany(j => j.Seq("static_configs").Children.SelectMany(c => c.Seq("targets").Scalars()));
        Assert.Contains($"127.0.0.1:{Contract.GatewayInternalPort}", targets);
    }

    [Fact]
    public void Grafana_ProvisioningAndDashboardsMounted()
    {
        var volumes = Services.Map("grafana").Seq("volumes").Scalars().ToList();

        Assert.Contains("./config/grafana/provisioning:/etc/grafana/provisioning:ro", volumes);
        var dashboards = Assert.Single(volumes, v => v.StartsWith("./config/grafana/dashboards:", StringComparison.Ordinal));
        var provider = Repository.Yaml("config/grafana/provisioning/dashboards/api-gateway.yml");
        var path = Assert.Single(provider.Seq("providers").Children).Map("options").Text("path");
        Assert.Equal(dashboards.Split(':')[1], path);
        var home = Env("grafana")["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"];
        Assert.True(Repository.Exists("config/grafana/dashboards/" + Path.GetFileName(home)), home);
    }

    [Fact]
    public void Interpolations_AllHaveDefaultsAndAreDocumentedInEnvExample()
    {
        var text = Repository.Read("docker-compose.yml");
        var example = Repository.Read(".env.example");

        foreach (Match match in Interpolation().Matches(text))
        {
            Assert.True(match.Groups["default"].Success, $"{match.Value} has no default: compose would warn and pass an empty value");
            Assert.Contains(match.Groups["name"].Value + "=", example, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TracingProfile_JaegerReceivesOtlpFromBothProcesses()
    {
        var jaeger = Services.Map("jaeger");

        Assert.Equal(["tracing"], jaeger.Seq("profiles").Scalars());
        Assert.Contains("4317", jaeger.Seq("expose").Scalars());
        Assert.Equal("${OTEL_EXPORTER_OTLP_ENDPOINT:-}", Env("gateway")["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_ENDPOINT:-}", Env("admin-api")["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4317", Repository.Read("docs/tracing.md"), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Env(string service) => Services.Map(service).Map("environment").Pairs();

    private static int ListenPort(string url) => new Uri(url).Port;

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    [GeneratedRegex(@"\$\{(?<name>[A-Z0-9_]+)(?<default>:-[^}]*)?\}")]
    private static partial Regex Interpolation();

    private sealed record Port(string? HostIp, int HostPort, int ContainerPort)
    {
        public static Port Parse(string text)
        {
            var parts = text.Split(':');
            return parts.Length switch
            {
                3 => new Port(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)),
                2 => new Port(null, int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)),
                _ => throw new FormatException($"Unexpected port mapping '{text}'."),
            };
        }
    }
}
