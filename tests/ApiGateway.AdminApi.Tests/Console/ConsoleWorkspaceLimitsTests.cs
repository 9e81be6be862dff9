using System.Net;
using ApiGateway.Keys.Storage;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>The console's workspace page: pooled limits set, refused with the API's messages, and removed (CSRF, audit).</summary>
public sealed class ConsoleWorkspaceLimitsTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string PathFor(string workspaceId) => $"/console/workspaces/{workspaceId}/usage";

    private static (string, string)[] Form(string token, string tier = "", string limit = "", string period = "", string daily = "", string monthly = "") =>
        [("Input.Tier", tier), ("Input.Limit", limit), ("Input.PeriodSeconds", period), ("Input.Daily", daily), ("Input.Monthly", monthly),
         ("__RequestVerificationToken", token)];

    [Fact]
    public async Task Save_WithToken_StoredAuditedShownAndThenRemoved()
    {
        var workspace = $"ws_console_{Guid.NewGuid():N}"[..24];
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        var token = await session.TokenFromAsync(PathFor(workspace), Ct);

        using var saved = await session.Client.PostAsync(PathFor(workspace), ConsoleHttpSession.Form(Form(token, limit: "100", period: "60", daily: "5000")), Ct);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var limits = await app.Service<IWorkspaceLimitsStore>().GetAsync(workspace, Ct);
        Assert.NotNull(limits);
        Assert.Null(limits.Tier);
        Assert.Equal((100, 60), (limits.RateLimit!.Limit, limits.RateLimit.PeriodSeconds));
        Assert.Equal(5000, limits.Quota!.Daily);
        Assert.Null(limits.Quota.Monthly);
        var audit = await app.Service<IKeyStore>().ListAuditAsync(new AuditQuery(null, "workspace.limits_updated", 50, 0), Ct);
        Assert.Contains(audit.Items, e => e.Details is { } d && d.Contains(workspace, StringComparison.Ordinal));
        var page = await session.Client.GetStringAsync(new Uri(PathFor(workspace), UriKind.Relative), Ct);
        Assert.Contains("Workspace limits saved", page, StringComparison.Ordinal);
        Assert.Contains("value=\"5000\"", page, StringComparison.Ordinal);

        token = await session.TokenFromAsync(PathFor(workspace), Ct);
        using var removed = await session.Client.PostAsync(PathFor(workspace) + "?handler=Remove",
            ConsoleHttpSession.Form(("__RequestVerificationToken", token)), Ct);

        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Null(await app.Service<IWorkspaceLimitsStore>().GetAsync(workspace, Ct));
    }

    [Theory]
    [InlineData("", "", "", "", "at least one")]
    [InlineData("", "0", "60", "", "rateLimit.limit")]
    [InlineData("", "abc", "60", "", "rateLimit.limit must be a whole number")]
    [InlineData("gold", "", "", "", "tier")]
    [InlineData("", "", "", "-1", "quota.daily")]
    public async Task Save_Invalid_400WithTheApisMessageAndNothingStored(string tier, string limit, string period, string daily, string message)
    {
        var workspace = $"ws_bad_{Guid.NewGuid():N}"[..20];
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);
        var token = await session.TokenFromAsync(PathFor(workspace), Ct);

        using var response = await session.Client.PostAsync(PathFor(workspace),
            ConsoleHttpSession.Form(Form(token, tier, limit, period, daily)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await app.Service<IWorkspaceLimitsStore>().GetAsync(workspace, Ct));
    }

    [Fact]
    public async Task Save_WithoutToken_400AndNothingStored()
    {
        var workspace = $"ws_csrf_{Guid.NewGuid():N}"[..20];
        using var session = new ConsoleHttpSession(app.BaseAddress);
        using var signIn = await session.SignInAsync(app.BootstrapKey, Ct);

        using var response = await session.Client.PostAsync(PathFor(workspace),
            ConsoleHttpSession.Form([.. Form("", limit: "10", period: "1").Where(f => f.Item1 != "__RequestVerificationToken")]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await app.Service<IWorkspaceLimitsStore>().GetAsync(workspace, Ct));
    }
}
