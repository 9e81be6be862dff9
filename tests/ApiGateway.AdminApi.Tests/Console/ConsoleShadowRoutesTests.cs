using System.Net;
using ApiGateway.Keys;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;
using ApiGateway.Keys.Storage;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>The console's "Shadow routes" page shows the same report as <c>GET /v1/shadow-decisions</c>.</summary>
public sealed class ConsoleShadowRoutesTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ShadowRoutes_SignedIn_ListsKeysPerRouteAndOutcome()
    {
        var spec = new KeySpec("nightly export", "ws_shadow", ["contacts:read"], null, ApiGateway.Keys.Format.KeyMode.Live, null, null, null, null, [], []);
        var key = (await app.Service<KeyMutationService>().CreateAsync(spec, Actor.System, Ct)).Issued!.Key;
        var now = app.Service<TimeProvider>().GetUtcNow();
        await app.Service<IShadowDecisionStore>().RecordAsync(
            [new("contacts", key.Id, ShadowOutcomeNames.WouldRefuse, UsageHours.Start(now), 7, now)], Ct);
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);

        using var response = await session.Client.GetAsync(new Uri("/console/shadow-routes", UriKind.Relative), Ct);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-route=\"contacts\" data-outcome=\"would_refuse\"", html, StringComparison.Ordinal);
        Assert.Contains($"<tr data-key=\"{key.Id}\">", html, StringComparison.Ordinal);
        Assert.Contains("<bdi>nightly export</bdi>", html, StringComparison.Ordinal);
        Assert.Contains("ws_shadow", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShadowRoutes_NotSignedIn_RedirectsToSignIn()
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var response = await session.Client.GetAsync(new Uri("/console/shadow-routes", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }
}
