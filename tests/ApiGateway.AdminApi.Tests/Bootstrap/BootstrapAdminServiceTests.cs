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
    public async Task Start_BootstrapKeyFile_GeneratedCredentialOnlyInThatFileNeverStdoutOrLogs()
    {
        using var database = new TempDatabase();
        var file = Path.Combine(database.Directory.FullName, "secrets", "bootstrap-admin-key");

        var (output, logs) = await StartAndStopAsync(database, bootstrapKey: null, keyFile: file);
        var (secondOutput, _) = await StartAndStopAsync(database, bootstrapKey: null, keyFile: file);

        var credential = (await File.ReadAllTextAsync(file, Ct)).Trim();
        Assert.StartsWith("agw_admin_", credential, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.DoesNotContain(credential, output + secondOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(credential[..16], output + logs, StringComparison.Ordinal);
        Assert.DoesNotContain(BootstrapAdminService.Banner, output, StringComparison.Ordinal);
        Assert.Contains(file, logs, StringComparison.Ordinal);

        await using var again = Factory(database, bootstrapKey: null);
        using var client = again.CreateClient(credential);
        using var response = await client.GetAsync("/v1/admin-keys", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
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
    public async Task ChosenBootstrapKey_ReadByAnAdminRoleCredential_RevealsNoPartOfIt()
    {
        using var database = new TempDatabase();
        const string Secret = "Zq9xK2pWm7Ht3Lr8Vn4Bc6DyFg5Js1Qa";
        await using var factory = Factory(database, Secret);
        using var owner = factory.CreateClient(Secret);
        using var created = await owner.PostAsync("/v1/admin-keys", KeyRequests.Json(new { name = "ops", role = "admin" }), Ct);
        using var admin = factory.CreateClient((await ApiAssert.JsonAsync(created, HttpStatusCode.Created)).Str("key"));

        // What an admin-role credential (not the owner) reads, what owners list, and every log line.
        var audit = await admin.GetStringAsync("/v1/audit?action=admin.bootstrapped", Ct);
        var everyEvent = await admin.GetStringAsync("/v1/audit?limit=200", Ct);
        var adminKeys = await owner.GetStringAsync("/v1/admin-keys", Ct);
        var bootstrapped = Assert.Single((await ApiAssert.JsonAsync(await admin.GetAsync("/v1/audit?action=admin.bootstrapped", Ct), HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray());

        // No 6-character run of the secret (the old prefix showed its first 8 of 32) appears anywhere.
        foreach (var shown in new[] { audit, everyEvent, adminKeys, factory.Logs.AllText })
        {
            for (var i = 0; i + 6 <= Secret.Length; i++)
            {
                Assert.DoesNotContain(Secret.Substring(i, 6), shown, StringComparison.Ordinal);
            }
        }
        // What identifies the credential instead: its public id.
        var details = bootstrapped.GetProperty("details");
        Assert.Equal(details.Str("adminId"), details.Str("prefix"));
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
    private static async Task<(string Output, string Logs)> StartAndStopAsync(TempDatabase database, string? bootstrapKey, string? keyFile = null)
    {
        var original = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(TextWriter.Synchronized(output));
        try
        {
            await using var factory = Factory(database, bootstrapKey).With("Admin:BootstrapKeyFile", keyFile);
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
