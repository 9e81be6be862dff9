using System.Net;
using System.Text.RegularExpressions;

namespace ApiGateway.AdminApi.Tests.WebConsole;

/// <summary>A plain HttpClient with a cookie jar, for what a browser would not do (posts without the antiforgery token).</summary>
public sealed partial class ConsoleHttpSession : IDisposable
{
    private readonly HttpClientHandler _handler;

    public ConsoleHttpSession(Uri baseAddress)
    {
        _handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
        Client = new HttpClient(_handler) { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    public CookieContainer Cookies => _handler.CookieContainer;

    /// <summary>Signs in through the form (with its token); returns the sign-in response.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string credential, CancellationToken cancellationToken)
    {
        var token = await TokenFromAsync("/console/sign-in", cancellationToken);
        return await Client.PostAsync("/console/sign-in", Form(("credential", credential), ("__RequestVerificationToken", token)), cancellationToken);
    }

    /// <summary>The antiforgery token of the first form on <paramref name="path"/>.</summary>
    public async Task<string> TokenFromAsync(string path, CancellationToken cancellationToken)
    {
        var html = await Client.GetStringAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return ReadToken(html);
    }

    /// <summary>The antiforgery token of the first form in <paramref name="html"/>.</summary>
    public static string ReadToken(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "No antiforgery token on the page.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
