using System.Net;
using ApiGateway.AdminApi.Bootstrap;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.TestKit;
using Microsoft.Extensions.Logging;

namespace ApiGateway.AdminApi.Tests.Bootstrap;

/// <summary>Swaps <see cref="Console.Out"/>, so these run alone.</summary>
[CollectionDefinition(nameof(ConsoleCapture), DisableParallelization = true)]
public sealed class ConsoleCapture;

[Collection(nameof(ConsoleCapture))]
public sealed class BootstrapAdminServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_NoBootstrapKey_PrintsGeneratedOwnerCredentialOnceAcrossRestarts()
    {
        using var database = new TempDatabase();
        var (firstOutput, firstLogs) = await StartAndStopAsync(database, bootstrapKey: null);
        var (secondOutput, secondLogs) = await StartAndStopAsync(database, bootstrapKey: null);

        var banner = Assert.Single(firstOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(BootstrapAdminService.Banner + "agw_admin_", banner, StringComparison.Ordinal);
        Assert.DoesNotContain(BootstrapAdminService.Banner, secondOutput, StringComparison.Ordinal);
        var credential = banner[BootstrapAdminService.Banner.Length..].Trim();
        Assert.DoesNotContain(credential, firstLogs, StringComparison.Ordinal);
        Assert.DoesNotContain(credential, secondLogs, StringComparison.Ordinal);

        // The printed credential is an owner credential of the shared database.
        await using var third = Factory(database, bootstrapKey: null);
        using var client = third.CreateClient(credential);
        using var response = await client.GetAsync("/v1/admin-keys", Ct);
        var list = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        var owner = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("owner", owner.Str("role"));
    }

    [Fact]
    public async Task Start_ConfiguredBootstrapKey_PrintsNothingAndKeyWorks()
    {
        using var database = new TempDatabase();
        const string Secret = "operator-chosen-secret-0123456789-abcdef";

        var (output, logs) = await StartAndStopAsync(database, Secret);

        Assert.Equal("", output);
        Assert.DoesNotContain(Secret, logs, StringComparison.Ordinal);
        await using var again = Factory(database, Secret);
        using var client = again.CreateClient(Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/admin-keys", Ct)).StatusCode);
    }

    [Fact]
    public async Task Start_ShortBootstrapKey_WarnsWithoutTheValueAndStillWorks()
    {
        using var database = new TempDatabase();
        const string Secret = "Zq9xK2pW";
        await using var factory = Factory(database, Secret);
        using var client = factory.CreateClient(Secret);

        using var response = await client.GetAsync("/v1/keys", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var warning = Assert.Single(factory.Logs.Lines, l => l.EventId.Name == "ShortBootstrapKey");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.DoesNotContain(Secret, factory.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret[..4], warning.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BootstrapKeyAfterCredentialsExist_IsIgnored()
    {
        using var database = new TempDatabase();
        await StartAndStopAsync(database, "first-bootstrap-secret-0123456789abcdef");

        await using var factory = Factory(database, "second-bootstrap-secret-0123456789abcdef");
        using var client = factory.CreateClient("second-bootstrap-secret-0123456789abcdef");
        using var response = await client.GetAsync("/v1/keys", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static AdminApiFactory Factory(TempDatabase database, string? bootstrapKey) =>
        new AdminApiFactory().With("ConnectionStrings:KeyStore", database.ConnectionString).With("Admin:BootstrapKey", bootstrapKey);

    /// <summary>Starts a host on <paramref name="database"/> and stops it, returning what it wrote to stdout and its logs.</summary>
    private static async Task<(string Output, string Logs)> StartAndStopAsync(TempDatabase database, string? bootstrapKey)
    {
        var original = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(output));
        try
        {
            await using var factory = Factory(database, bootstrapKey);
            using var client = factory.CreateClient();
            (await client.GetAsync("/healthz", Ct)).EnsureSuccessStatusCode().Dispose();
            return (output.ToString(), factory.Logs.AllText);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
