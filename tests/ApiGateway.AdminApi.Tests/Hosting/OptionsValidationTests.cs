using ApiGateway.AdminApi.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ApiGateway.AdminApi.Tests.Hosting;

/// <summary>The admin API checks its settings when it starts, as the gateway does: a bad one stops it with a message naming it.</summary>
public sealed class OptionsValidationTests
{
    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "RateLimits:Tiers:free:Limit", "0", "RateLimits:Tiers:free:Limit must be at least 1 (was 0)." },
        { "RateLimits:DefaultTier", "gold", "RateLimits:DefaultTier 'gold' is not a tier in RateLimits:Tiers." },
        { "RateLimits:Redis", "127.0.0.1:6379,ssl=maybe", "RateLimits:Redis is not a valid StackExchange.Redis connection string" },
        { "Gateway:RoutesFile", "", "Gateway:RoutesFile must name the routes file." },
        { "Gateway:RoutesFile", "   ", "Gateway:RoutesFile must name the routes file." },
        { "ConnectionStrings:KeyStore", "not a connection string", "With KeyStore:Provider 'sqlite', ConnectionStrings:KeyStore must be a SQLite connection string" },
        { "ConnectionStrings:KeyStore", "Data Source=", "With KeyStore:Provider 'sqlite', ConnectionStrings:KeyStore must be a SQLite connection string" },
        { "Admin:PublicUrl", "keys.example.com", "Admin:PublicUrl must be an absolute http(s) URL" },
        { "Admin:TrustedProxies", "10.0.0.0/8,not-an-ip", "Admin:TrustedProxies has 'not-an-ip', which is not an IP address or CIDR." },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task HostStart_InvalidSetting_FailsNamingIt(string key, string value, string message)
    {
        await using var factory = new AdminApiFactory().With(key, value);

        var thrown = Record.Exception(() => factory.CreateClient());

        // WebApplicationFactory races a start that fails fast: its DeferredHost may ask the host for its lifetime after the
        // app has already disposed it, and then throws ObjectDisposedException in place of the start's own exception. The
        // host logs that exception ("Hosting failed to start") before anything is disposed, so the cause is read there.
        var error = thrown as OptionsValidationException
            ?? Assert.IsType<OptionsValidationException>(
                factory.Logs.Lines.Select(line => line.Error).OfType<OptionsValidationException>().FirstOrDefault(), exactMatch: true);
        Assert.Contains(error.Failures, failure => failure.StartsWith(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Portal:ThemeFile")]
    [InlineData("Leaks:GitHubPublicKeysFile")]
    public async Task HostStart_OptionalPathSettingBlank_MeansUnset(string key)
    {
        await using var factory = new AdminApiFactory().With(key, "   ");

        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HostStart_NoTiersConfigured_OffersTheShippedTiers()
    {
        // The shipped appsettings.json defines the tiers; without them the admin API falls back to the gateway's defaults.
        await using var factory = new AdminApiFactory()
            .With("RateLimits:Tiers:free", null).With("RateLimits:Tiers:pro", null).With("RateLimits:Tiers:enterprise", null);

        var options = factory.Services.GetRequiredService<IOptions<ApiGateway.Keys.RateLimits.RateLimitsOptions>>().Value;

        Assert.Equal(["enterprise", "free", "pro"], options.Tiers.Keys.Order(StringComparer.Ordinal));
    }
}
