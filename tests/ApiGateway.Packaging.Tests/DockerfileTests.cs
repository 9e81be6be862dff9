using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ApiGateway.Packaging.Tests;

/// <summary>The Dockerfiles, read as text: multi-stage, non-root, database on a volume, health checks on contract endpoints.</summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string, string, string, int> Images() => new()
    {
        // Dockerfile, project, health endpoint, main port
        { "gateway/Dockerfile", "gateway/ApiGateway.Gateway.csproj", "/readyz", Contract.GatewayPort },
        { "admin-api/Dockerfile", "admin-api/ApiGateway.AdminApi.csproj", "/healthz", Contract.AdminPort },
        { "samples/DemoUpstream/Dockerfile", "samples/DemoUpstream/DemoUpstream.csproj", "/healthz", Contract.UpstreamPort },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Stages_SdkBuildThenAspnetRuntime(string dockerfile, string project, string health, int port)
    {
        _ = (project, health, port);
        var froms = Instructions(dockerfile, "FROM").ToList();

        Assert.Equal(2, froms.Count);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:\$\{DOTNET_VERSION\} AS build$", froms[0]);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:\$\{DOTNET_VERSION\} AS runtime$", froms[1]);
        Assert.Contains("ARG DOTNET_VERSION=10.0", Repository.Read(dockerfile), StringComparison.Ordinal);
        Assert.Contains(Instructions(dockerfile, "COPY"), c => c.StartsWith("--from=build ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Runtime_RunsAsTheImagesNonRootUser(string dockerfile, string project, string health, int port)
    {
        _ = (project, health, port);
        var runtime = RuntimeStage(dockerfile);

        Assert.Contains("USER $APP_UID", runtime, StringComparison.Ordinal);
        Assert.DoesNotContain("USER root", runtime, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void HealthCheck_AsksTheContractEndpointOnTheServicePort(string dockerfile, string project, string health, int port)
    {
        _ = project;
        var check = Assert.Single(Instructions(dockerfile, "HEALTHCHECK"));

        Assert.Contains($"GET {health} ", check, StringComparison.Ordinal);
        Assert.Contains(" 200 ", check, StringComparison.Ordinal);
        var expectedPort = dockerfile.StartsWith("gateway", StringComparison.Ordinal) ? Contract.GatewayInternalPort : port;
        Assert.Contains($"{expectedPort}", check, StringComparison.Ordinal);
        Assert.Contains($"{port}", string.Join(' ', Instructions(dockerfile, "EXPOSE")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Entrypoint_RunsTheProjectsAssembly(string dockerfile, string project, string health, int port)
    {
        _ = (health, port);
        var assemblyName = XDocument.Parse(Repository.Read(project)).Descendants("AssemblyName").FirstOrDefault()?.Value
            ?? Path.GetFileNameWithoutExtension(project);

        Assert.Equal($"[\"dotnet\", \"{assemblyName}.dll\"]", Assert.Single(Instructions(dockerfile, "ENTRYPOINT")));
        Assert.Contains(Instructions(dockerfile, "RUN"), r => r.StartsWith($"dotnet publish {project} -c Release", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Copy_EverySourceFromTheContext_Exists(string dockerfile, string project, string health, int port)
    {
        _ = (project, health, port);
        var sources = Instructions(dockerfile, "COPY")
            .Where(c => !c.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(Repository.Exists(source), $"{dockerfile}: COPY {source} does not exist"));
    }

    [Theory]
    [InlineData("gateway/Dockerfile")]
    [InlineData("admin-api/Dockerfile")]
    public void Database_OnAVolumeTheAppUserOwns(string dockerfile)
    {
        var runtime = RuntimeStage(dockerfile);

        Assert.Contains("WORKDIR /app", runtime, StringComparison.Ordinal);
        Assert.Contains("VOLUME /app/data", runtime, StringComparison.Ordinal);
        Assert.Contains("chown \"$APP_UID\" data", runtime, StringComparison.Ordinal);
        Assert.True(runtime.IndexOf("chown", StringComparison.Ordinal) < runtime.IndexOf("USER $APP_UID", StringComparison.Ordinal));
    }

    [Fact]
    public void Gateway_InternalUrlListensOnAllInterfacesInTheContainer()
    {
        Assert.Contains("Gateway__InternalUrl=http://0.0.0.0:9091", RuntimeStage("gateway/Dockerfile"), StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_KeepsBuildOutputAndDatabasesOut()
    {
        var ignored = Repository.Read(".dockerignore").Split('\n', StringSplitOptions.TrimEntries);

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.Contains("data/", ignored);
        Assert.Contains(".git/", ignored);
    }

    /// <summary>Instructions of one kind with their arguments, continuation lines joined.</summary>
    private static IEnumerable<string> Instructions(string dockerfile, string keyword) =>
        Lines(dockerfile).Where(l => l.StartsWith(keyword + " ", StringComparison.Ordinal)).Select(l => l[(keyword.Length + 1)..].Trim());

    private static IEnumerable<string> Lines(string dockerfile)
    {
        var joined = Continuation().Replace(Repository.Read(dockerfile), " ");
        return joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
    }

    private static string RuntimeStage(string dockerfile)
    {
        var lines = Lines(dockerfile).ToList();
        var start = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        return string.Join('\n', lines[start..]);
    }

    [GeneratedRegex(@"\\\r?\n\s*")]
    private static partial Regex Continuation();
}
