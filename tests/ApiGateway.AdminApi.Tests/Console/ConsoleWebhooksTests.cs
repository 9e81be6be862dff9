using System.Net;
using ApiGateway.Keys.Storage;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>The console's Webhooks page: register (secret shown once, CSRF, the API's own rules), list, deliveries, delete.</summary>
public sealed class ConsoleWebhooksTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (string, string)[] Form(string url, string token, string submission, params string[] events) =>
        [("Input.Url", url), .. events.Select(e => ("Input.Events", e)), ("Input.Description", "console hook"), ("Input.Submission", submission), ("__RequestVerificationToken", token)];

    [Fact]
    public async Task Register_WithToken_SecretShownOnceThenListedWithoutIt()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        var token = await session.TokenFromAsync("/console/webhooks", Ct);
        var url = $"https://hooks.example.com/{Guid.NewGuid():N}";
        var form = Form(url, token, Guid.NewGuid().ToString("N"), "key.revoked", "key.expiring");

        using var response = await session.Client.PostAsync("/console/webhooks", ConsoleHttpSession.Form(form), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Contains("You will not see it again", html, StringComparison.Ordinal);
        var secret = System.Text.RegularExpressions.Regex.Match(html, "value=\"(whsec_[^\"]+)\"").Groups[1].Value;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var endpoint = Assert.Single(await app.Service<IWebhookStore>().ListAsync(Ct), w => w.Url == url);
        Assert.Equal(["key.revoked", "key.expiring"], endpoint.Events);

        var listing = await session.Client.GetStringAsync(new Uri("/console/webhooks", UriKind.Relative), Ct);
        Assert.Contains(url, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(secret["whsec_".Length..], listing, StringComparison.Ordinal);
        var deliveries = await session.Client.GetAsync(new Uri($"/console/webhooks/{endpoint.Id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, deliveries.StatusCode);
        Assert.Contains("No delivery attempts yet", await deliveries.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // Sent again (back, then resend): nothing registered twice.
        using var again = await session.Client.PostAsync("/console/webhooks", ConsoleHttpSession.Form(form), Ct);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Single(await app.Service<IWebhookStore>().ListAsync(Ct), w => w.Url == url);
    }

    [Fact]
    public async Task Register_TwoUnknownEvents_400NamingEventsOnceAndNothingRegistered()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        var token = await session.TokenFromAsync("/console/webhooks", Ct);
        var url = $"https://hooks.example.com/{Guid.NewGuid():N}";

        // An edited form: events[0] and events[1] both fail, and both belong to the form's one Events field.
        using var response = await session.Client.PostAsync("/console/webhooks",
            ConsoleHttpSession.Form(Form(url, token, Guid.NewGuid().ToString("N"), "key.nope", "key.other")), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "Unknown event type"));
        Assert.DoesNotContain(await app.Service<IWebhookStore>().ListAsync(Ct), w => w.Url == url);
    }

    [Fact]
    public async Task Register_WithoutToken_400AndNothingRegistered()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        var url = $"https://hooks.example.com/{Guid.NewGuid():N}";

        using var response = await session.Client.PostAsync("/console/webhooks",
            ConsoleHttpSession.Form([.. Form(url, "", Guid.NewGuid().ToString("N"), "*").Where(f => f.Item1 != "__RequestVerificationToken")]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(await app.Service<IWebhookStore>().ListAsync(Ct), w => w.Url == url);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "key.revoked", "loopback, private, link-local")]
    [InlineData("https://hooks.example.com/none", "", "at least one event type")]
    public async Task Register_Refused_400WithTheApisMessage(string url, string events, string message)
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        var token = await session.TokenFromAsync("/console/webhooks", Ct);

        using var response = await session.Client.PostAsync("/console/webhooks",
            ConsoleHttpSession.Form(Form(url, token, Guid.NewGuid().ToString("N"), events.Length == 0 ? [] : [events])), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(await app.Service<IWebhookStore>().ListAsync(Ct), w => w.Url == url);
    }

    [Fact]
    public async Task Delete_WithToken_RemovesTheEndpoint()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        var token = await session.TokenFromAsync("/console/webhooks", Ct);
        var url = $"https://hooks.example.com/{Guid.NewGuid():N}";
        using var created = await session.Client.PostAsync("/console/webhooks", ConsoleHttpSession.Form(Form(url, token, Guid.NewGuid().ToString("N"), "*")), Ct);
        var endpoint = Assert.Single(await app.Service<IWebhookStore>().ListAsync(Ct), w => w.Url == url);

        using var noToken = await session.Client.PostAsync("/console/webhooks?handler=Delete", ConsoleHttpSession.Form(("id", endpoint.Id)), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        using var deleted = await session.Client.PostAsync("/console/webhooks?handler=Delete",
            ConsoleHttpSession.Form(("id", endpoint.Id), ("__RequestVerificationToken", await session.TokenFromAsync("/console/webhooks", Ct))), Ct);

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Null(await app.Service<IWebhookStore>().GetAsync(endpoint.Id, Ct));
    }
}
