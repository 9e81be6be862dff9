using System.Diagnostics;
using ApiGateway.AdminApi.Tests.WebConsole;

namespace ApiGateway.AdminApi.Tests.OpenApi;

/// <summary>
/// The OpenAPI tools nobody here wrote (Redocly, openapi-ts, tsc from <c>tests/clients/node_modules</c>; Kiota from the
/// repository's dotnet tool manifest). test.sh installs them (npm ci, dotnet tool restore), so on CI a missing tool is a
/// failure; elsewhere the test is skipped with the command that installs it.
/// </summary>
internal static class ThirdPartyTools
{
    public static string ClientsDirectory { get; } = Path.Combine(ConsoleAppFixture.RepositoryRoot.FullName, "tests", "clients");

    /// <summary>The path of a program in <c>tests/clients/node_modules/.bin</c>, or skips/fails when it is not installed.</summary>
    public static string NodeTool(string name)
    {
        var path = Path.Combine(ClientsDirectory, "node_modules", ".bin", name);
        Require(File.Exists(path), $"{name} is not installed (npm ci --prefix tests/clients, which test.sh runs).");
        return path;
    }

    /// <summary>Kiota as the repository pins it (.config/dotnet-tools.json), or skips/fails when it is not restored.</summary>
    public static async Task RequireKiotaAsync(CancellationToken cancellationToken)
    {
        var version = await RunAsync("dotnet", ["kiota", "--version"], ConsoleAppFixture.RepositoryRoot.FullName, null, cancellationToken);
        Require(version.ExitCode == 0, "kiota is not restored (dotnet tool restore, which test.sh runs).");
    }

    public static async Task<ProcessResult> RunAsync(
        string program, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new ProcessResult(process.ExitCode, await output, await error);
    }

    private static void Require(bool installed, string message)
    {
        Assert.False(!installed && Environment.GetEnvironmentVariable("CI") == "true", message + " On CI test.sh installs it.");
        Assert.SkipUnless(installed, message);
    }
}

internal sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
