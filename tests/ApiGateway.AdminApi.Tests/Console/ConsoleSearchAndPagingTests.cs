using System.Net;
using ApiGateway.Keys;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>The keys page searches every key in the store; the audit page pages by keyset and takes any <c>before</c>.</summary>
public sealed class ConsoleSearchAndPagingTests(ConsoleAppFixture app) : IClassFixture<ConsoleAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_SearchForAKeyOlderThanTheNewest500_FindsItByNameAndByPrefix()
    {
        var issuer = app.Service<KeyMutationService>();
        var needle = await MintAsync(issuer, $"needle-{Guid.NewGuid():N}");
        for (var i = 0; i < 505; i++)
        {
            await MintAsync(issuer, $"hay-{i}");
        }
        using var session = new ConsoleHttpSession(app.BaseAddress);
        (await session.SignInAsync(app.BootstrapKey, Ct)).Dispose();

        var byName = await session.Client.GetStringAsync(new Uri($"/console?q={needle.Key.Name.ToUpperInvariant()}", UriKind.Relative), Ct);
        var byPrefix = await session.Client.GetStringAsync(new Uri($"/console?q={needle.Key.Prefix}", UriKind.Relative), Ct);
        var byWholeKey = await session.Client.GetStringAsync(new Uri($"/console?q={needle.Plaintext}", UriKind.Relative), Ct);

        Assert.Contains(needle.Key.Id, byName, StringComparison.Ordinal);
        Assert.Contains(needle.Key.Id, byPrefix, StringComparison.Ordinal);
        Assert.Contains(needle.Key.Id, byWholeKey, StringComparison.Ordinal);
        Assert.DoesNotContain(needle.Plaintext, byWholeKey, StringComparison.Ordinal);
        Assert.DoesNotContain("hay-", byPrefix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/console/audit?page=99999999999")]
    [InlineData("/console/audit?page=-5")]
    [InlineData("/console/audit?before=-5")]
    [InlineData("/console/audit?before=99999999999999999999")]
    [InlineData("/console/audit?before=abc")]
    public async Task Audit_AnyPageParameter_Returns200(string path)
    {
        using var session = new ConsoleHttpSession(app.BaseAddress);
        (await session.SignInAsync(app.BootstrapKey, Ct)).Dispose();

        using var response = await session.Client.GetAsync(new Uri(path, UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Audit_OlderLink_ShowsTheNextOlderEvents()
    {
        var issuer = app.Service<KeyMutationService>();
        for (var i = 0; i < 60; i++)
        {
            await MintAsync(issuer, $"audited-{i}");
        }
        using var session = new ConsoleHttpSession(app.BaseAddress);
        (await session.SignInAsync(app.BootstrapKey, Ct)).Dispose();

        var newest = await session.Client.GetStringAsync(new Uri("/console/audit", UriKind.Relative), Ct);
        var older = System.Text.RegularExpressions.Regex.Match(newest, "href=\"(/console/audit\\?before=[0-9]+)\"").Groups[1].Value;
        var olderPage = await session.Client.GetStringAsync(new Uri(older, UriKind.Relative), Ct);

        Assert.Contains("audited-59", newest, StringComparison.Ordinal);
        Assert.DoesNotContain("audited-59", olderPage, StringComparison.Ordinal);
        Assert.Contains("<bdi>audited-9</bdi>", olderPage, StringComparison.Ordinal);
    }

    private static async Task<IssuedKey> MintAsync(KeyMutationService issuer, string name)
    {
        var spec = new KeySpec(name, "ws_console", ["contacts:read"], null, KeyMode.Live, null, null, null, null, [], []);
        return (await issuer.CreateAsync(spec, Actor.System, Ct)).Issued!;
    }
}
