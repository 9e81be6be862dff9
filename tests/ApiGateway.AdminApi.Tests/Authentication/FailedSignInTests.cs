using System.Net;
using System.Text.Json;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.AdminApi.Tests.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Authentication;

/// <summary>
/// Failed sign-ins through the console form and the API's Bearer scheme, throttled per client IP and per credential prefix
/// (defaults: 10 and 20 per 300 s). Each test acts from its own addresses (set by a test-only startup filter), because
/// the host, its throttle and its fake clock are shared by the class.
/// </summary>
public sealed class FailedSignInTests : IClassFixture<AdminApiFactory>
{
    private const string ClientIpHeader = "X-Test-Client-Ip";
    private readonly AdminApiFactory _factory;
    private readonly WebApplicationFactory<Program> _host;

    public FailedSignInTests(AdminApiFactory factory)
    {
        _factory = factory;
        _host = factory.WithWebHostBuilder(builder => builder.ConfigureServices(
            services => services.AddSingleton<IStartupFilter, ClientIpFromHeader>()));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConsoleSignIn_PastTheClientsFailures_Returns429ProblemWithRetryAfterWithoutCheckingTheCredential()
    {
        using var browser = ConsoleClient("192.0.2.10");
        for (var i = 0; i < 10; i++)
        {
            using var refused = await PostSignInAsync(browser, $"agw_admin_guess{i:D2}xxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        _factory.Clock.Advance(TimeSpan.FromSeconds(40));

        using var throttled = await PostSignInAsync(browser, "agw_admin_guess10xxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        using var ownerFromThere = await PostSignInAsync(browser, AdminApiFactory.OwnerCredential);

        await ApiAssert.ProblemAsync(throttled, HttpStatusCode.TooManyRequests, "Too many failed sign-ins");
        Assert.Equal("260", throttled.Headers.GetValues("Retry-After").Single());
        await ApiAssert.ProblemAsync(ownerFromThere, HttpStatusCode.TooManyRequests, "Too many failed sign-ins");
        Assert.False(ownerFromThere.Headers.Contains("Set-Cookie"));

        // Another client signs in at once; this one again when its window is over.
        using var elsewhere = ConsoleClient("192.0.2.11");
        using var signedInElsewhere = await PostSignInAsync(elsewhere, AdminApiFactory.OwnerCredential);
        Assert.Equal(HttpStatusCode.Redirect, signedInElsewhere.StatusCode);
        _factory.Clock.Advance(TimeSpan.FromSeconds(260));
        using var signedIn = await PostSignInAsync(browser, AdminApiFactory.OwnerCredential);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task ConsoleSignIn_EachCheckedFailure_OneAuditRowWithoutAnyPartOfWhatWasSent()
    {
        const string Client = "192.0.2.20";
        using var browser = ConsoleClient(Client);
        var sent = Enumerable.Range(0, 12).Select(i => $"agw_admin_Secret{i:D2}yyyyyyyyyyyyyyyyyyyyyyyyyyyyy").ToArray();
        foreach (var credential in sent)
        {
            using var response = await PostSignInAsync(browser, credential);
        }

        var rows = await SignInFailuresAsync(Client);

        Assert.Equal(10, rows.Count); // the two refused with 429 were never checked, so never audited
        Assert.All(rows, row =>
        {
            Assert.Equal("anonymous", row.GetProperty("actor").GetProperty("id").GetString());
            Assert.Equal("console", row.GetProperty("details").GetProperty("via").GetString());
        });
        Assert.Single(rows, row => row.GetProperty("details").TryGetProperty("limitReached", out var reached) && reached.GetString() == "ip");
        var everything = string.Join('\n', rows.Select(r => r.GetRawText())) + _factory.Logs.AllText;
        foreach (var credential in sent)
        {
            Assert.DoesNotContain(credential[10..16], everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bearer_PastTheClientsFailures_Returns429ProblemAndCountsWithTheConsole()
    {
        const string Client = "192.0.2.30";
        using var browser = ConsoleClient(Client);
        for (var i = 0; i < 5; i++)
        {
            using var refused = await PostSignInAsync(browser, $"agw_admin_guess{i:D2}zzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
        }
        for (var i = 5; i < 10; i++)
        {
            using var api = ApiClient(Client, $"agw_admin_guess{i:D2}zzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
            using var refused = await api.GetAsync("/v1/keys", Ct);
            await ApiAssert.ProblemAsync(refused, HttpStatusCode.Unauthorized, "Invalid admin credential");
        }

        using var guess = ApiClient(Client, "agw_admin_guess10zzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
        using var throttled = await guess.GetAsync("/v1/keys", Ct);
        using var owner = ApiClient(Client, AdminApiFactory.OwnerCredential);
        using var ownerThrottled = await owner.GetAsync("/v1/keys", Ct);
        using var ownerElsewhere = ApiClient("192.0.2.31", AdminApiFactory.OwnerCredential);
        using var fine = await ownerElsewhere.GetAsync("/v1/keys", Ct);

        await ApiAssert.ProblemAsync(throttled, HttpStatusCode.TooManyRequests, "Too many failed sign-ins");
        Assert.True(int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 300);
        await ApiAssert.ProblemAsync(ownerThrottled, HttpStatusCode.TooManyRequests, "Too many failed sign-ins");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        var rows = await SignInFailuresAsync(Client);
        Assert.Equal(5, rows.Count(r => r.GetProperty("details").GetProperty("via").GetString() == "api"));
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/openapi/v1.json")]
    public async Task Bearer_OnAnEndpointOpenToEveryone_NeverCheckedSoNothingSpentOrAudited(string path)
    {
        // A review locked the owner out with 10 bad credentials sent to GitHub's open leak endpoint.
        var client = path == "/healthz" ? "192.0.2.40" : "192.0.2.41";
        for (var i = 0; i < 12; i++)
        {
            using var open = ApiClient(client, $"agw_admin_guess{i:D2}oooooooooooooooooooooooooooooo");
            using var answered = await open.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        using var owner = ApiClient(client, AdminApiFactory.OwnerCredential);
        using var keys = await owner.GetAsync("/v1/keys", Ct);

        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        Assert.Empty(await SignInFailuresAsync(client));
    }

    [Fact]
    public async Task Bearer_ManyClientsWithOneCredentialsPrefix_KeepThatPrefixOutButNotTheOwner()
    {
        using var owner = ApiClient("192.0.2.40", AdminApiFactory.OwnerCredential);
        using var created = await owner.PostAsync("/v1/admin-keys", JsonContent("""{ "name": "ops", "role": "admin" }"""), Ct);
        var admin = await ApiAssert.JsonAsync(created, HttpStatusCode.Created);
        var credential = admin.GetProperty("key").GetString()!;
        var adminId = admin.GetProperty("id").GetString()!;

        for (var i = 0; i < 20; i++)
        {
            using var guesser = ApiClient($"198.51.100.{i + 1}", credential[..16] + $"guess{i:D2}");
            using var refused = await guesser.GetAsync("/v1/keys", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var holder = ApiClient("192.0.2.41", credential);
        using var keptOut = await holder.GetAsync("/v1/keys", Ct);
        using var ownerStill = await owner.GetAsync("/v1/keys", Ct);

        await ApiAssert.ProblemAsync(keptOut, HttpStatusCode.TooManyRequests, "Too many failed sign-ins");
        Assert.Equal(HttpStatusCode.OK, ownerStill.StatusCode);
        var targeted = await SignInFailuresAsync("198.51.100.1");
        Assert.Equal(adminId, targeted.Single().GetProperty("details").GetProperty("adminId").GetString());
    }

    [Fact]
    public async Task Bearer_GuessWithTheBootstrapSecretsStart_AuditNamesNoCredential()
    {
        const string Client = "192.0.2.50";
        using var guess = ApiClient(Client, AdminApiFactory.OwnerCredential[..20] + "wrong");
        using var refused = await guess.GetAsync("/v1/keys", Ct);

        var row = Assert.Single(await SignInFailuresAsync(Client));
        Assert.False(row.GetProperty("details").TryGetProperty("adminId", out _));
    }

    [Theory]
    [InlineData("Admin:SignInThrottle:FailuresPerIp", "0")]
    [InlineData("Admin:SignInThrottle:FailuresPerPrefix", "-1")]
    [InlineData("Admin:SignInThrottle:WindowSeconds", "0")]
    public void Start_ThrottleSettingOutOfRange_FailsNamingIt(string setting, string value)
    {
        using var host = _factory.WithWebHostBuilder(builder => builder.UseSetting(setting, value));

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains(setting.Split(':')[^1], error.ToString(), StringComparison.Ordinal);
    }

    private HttpClient ConsoleClient(string ip)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add(ClientIpHeader, ip);
        return client;
    }

    private HttpClient ApiClient(string ip, string credential)
    {
        var client = _host.CreateClient();
        client.DefaultRequestHeaders.Add(ClientIpHeader, ip);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient browser, string credential)
    {
        var token = ConsoleHttpSession.ReadToken(await browser.GetStringAsync(new Uri("/console/sign-in", UriKind.Relative), Ct));
        return await browser.PostAsync("/console/sign-in", ConsoleHttpSession.Form(("credential", credential), ("__RequestVerificationToken", token)), Ct);
    }

    /// <summary>The <c>admin.signin_failed</c> rows from one client, read by the owner from an address nobody throttles.</summary>
    private async Task<List<JsonElement>> SignInFailuresAsync(string clientIp)
    {
        using var owner = ApiClient("10.255.255.254", AdminApiFactory.OwnerCredential);
        using var response = await owner.GetAsync("/v1/audit?action=admin.signin_failed&limit=200", Ct);
        var page = await ApiAssert.JsonAsync(response, HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray()
            .Where(r => r.GetProperty("details").GetProperty("clientIp").GetString() == clientIp)];
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>Test-only: the in-memory server has no peer address, so each test names the one it acts from.</summary>
    private sealed class ClientIpFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate following) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[ClientIpHeader], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return following(context);
            });
            next(app);
        };
    }
}
