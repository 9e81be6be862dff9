using ApiGateway.AdminApi.Tests.WebConsole;

namespace ApiGateway.AdminApi.Tests.OpenApi;

/// <summary>
/// Clients generated from the live document by Kiota (C#) and by @hey-api/openapi-ts (TypeScript) run the whole key flow:
/// create, list, get, patch, rotate, revoke, usage, audit. The flow programs (tests/clients/kiota/Program.cs,
/// tests/clients/openapi-ts/flow.ts) are committed and never adjusted to a generated client: a document that generators
/// misread (no Bearer scheme, untyped times, required optional fields) breaks them.
/// </summary>
public sealed class GeneratedClientTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KiotaCSharpClient_FullKeyFlow_Succeeds()
    {
        await ThirdPartyTools.RequireKiotaAsync(Ct);
        var work = CopyFlow("kiota");
        var document = await SaveDocumentAsync(work);

        var generate = await ThirdPartyTools.RunAsync("dotnet",
            ["kiota", "generate", "-l", "CSharp", "-d", document, "-o", Path.Combine(work, "generated"), "-c", "AdminApiClient", "-n", "AdminApi.Client", "--log-level", "Warning"],
            ConsoleAppFixture.RepositoryRoot.FullName, null, Ct);
        Assert.True(generate.ExitCode == 0, generate.ToString());

        var run = await ThirdPartyTools.RunAsync("dotnet", ["run", "--", app.BaseAddress.ToString().TrimEnd('/')], work, Credential, Ct);
        Assert.True(run.ExitCode == 0 && run.Output.Contains("flow ok", StringComparison.Ordinal), run.ToString());
    }

    [Fact]
    public async Task OpenApiTsClient_FullKeyFlow_Succeeds()
    {
        var openapiTs = ThirdPartyTools.NodeTool("openapi-ts");
        var tsc = ThirdPartyTools.NodeTool("tsc");
        var work = CopyFlow("openapi-ts");
        var document = await SaveDocumentAsync(work);
        // tsc finds @types/node through node_modules beside the sources.
        Directory.CreateSymbolicLink(Path.Combine(work, "node_modules"), Path.Combine(ThirdPartyTools.ClientsDirectory, "node_modules"));

        var generate = await ThirdPartyTools.RunAsync(openapiTs, ["-i", document, "-o", Path.Combine(work, "generated")], work, null, Ct);
        Assert.True(generate.ExitCode == 0, generate.ToString());
        var compile = await ThirdPartyTools.RunAsync(tsc, ["-p", Path.Combine(work, "tsconfig.json")], work, null, Ct);
        Assert.True(compile.ExitCode == 0, compile.ToString());

        var run = await ThirdPartyTools.RunAsync("node", [Path.Combine(work, "dist", "flow.js"), app.BaseAddress.ToString().TrimEnd('/')], work, Credential, Ct);
        Assert.True(run.ExitCode == 0 && run.Output.Contains("flow ok", StringComparison.Ordinal), run.ToString());
    }

    private Dictionary<string, string> Credential => new(StringComparer.Ordinal) { ["ADMIN_CREDENTIAL"] = app.BootstrapKey };

    /// <summary>A private copy of tests/clients/{name} (without generated output), so runs never share files.</summary>
    private static string CopyFlow(string name)
    {
        var source = Path.Combine(ThirdPartyTools.ClientsDirectory, name);
        var target = Directory.CreateTempSubdirectory($"client-{name}-").FullName;
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }

    private async Task<string> SaveDocumentAsync(string work)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var path = Path.Combine(work, "openapi.json");
        await File.WriteAllTextAsync(path, await http.GetStringAsync("/openapi/v1.json", Ct), Ct);
        return path;
    }
}
