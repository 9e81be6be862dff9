using ApiGateway.Keys.Format;

namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>
/// Hostile credentials sent as exact bytes to the real gateway: each gets its contract answer, and the recording
/// upstream never sees the request.
/// </summary>
public sealed class CredentialAbuseTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, int, string> Credentials => new()
    {
        { "empty value", "Authorization: ", 401, "Missing or invalid Authorization header" },
        { "whitespace value", "Authorization:  \t  ", 401, "Missing or invalid Authorization header" },
        { "scheme only", "Authorization: Bearer", 401, "Missing or invalid Authorization header" },
        { "scheme and blanks", "Authorization: Bearer \t ", 401, "Missing or invalid Authorization header" },
        { "other scheme", "Authorization: Basic {KEY}", 401, "Missing or invalid Authorization header" },
        { "two headers", "Authorization: Bearer {KEY}\r\nAuthorization: Bearer {KEY}", 401, "Invalid API key format" },
        { "10 KB key", "Authorization: Bearer agw_live_" + new string('A', 10 * 1024), 401, "Invalid API key format" },
        { "bad checksum", "Authorization: Bearer {BADSUM}", 401, "Invalid API key format" },
        { "other product prefix", "Authorization: Bearer {OTHER}", 401, "Invalid API key format" },
        { "key in a cookie", "Cookie: api_key={KEY}", 401, "Missing or invalid Authorization header" },
        { "key in X-Api-Key", "X-Api-Key: {KEY}", 401, "Missing or invalid Authorization header" },
    };

    [Theory]
    [MemberData(nameof(Credentials))]
    public async Task Request_HostileCredential_ContractAnswerAndNothingForwarded(string name, string header, int status, string title)
    {
        var marker = Marker();
        var response = await SendAsync($"/v1/contacts/{marker}", Expand(header));

        Assert.True(response.Status == status, $"{name}: {response}");
        Assert.Contains(title, response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Contacts.Plaintext, response.Raw, StringComparison.Ordinal);
        Assert.Empty(fixture.ReceivedWith(marker));
    }

    [Theory]
    [InlineData("api_key")]
    [InlineData("APIKEY")]
    [InlineData("Access_Token")]
    public async Task Request_ValidKeyPlusQueryKey_Returns400AndNothingForwarded(string parameter)
    {
        var marker = Marker();
        var response = await SendAsync($"/v1/contacts/{marker}?{parameter}=", Expand("Authorization: Bearer {KEY}"));

        Assert.True(response.Status == 400, response.ToString());
        Assert.Contains("API keys are not accepted in the query string", response.Body, StringComparison.Ordinal);
        Assert.Empty(fixture.ReceivedWith(marker));
    }

    [Theory]
    [InlineData("non-ASCII in the key", "\u00e9")]
    [InlineData("control byte in the key", "\u0001")]
    [InlineData("NUL in the key", "\u0000")]
    [InlineData("DEL in the key", "\u007f")]
    public async Task Request_KeyWithForeignBytes_RefusedAndNothingForwarded(string name, string injected)
    {
        var marker = Marker();
        var key = fixture.Contacts.Plaintext;
        var response = await SendAsync($"/v1/contacts/{marker}", $"Authorization: Bearer {key[..20]}{injected}{key[20..]}");

        // Kestrel refuses some bytes itself (400, before any middleware); whatever reaches the handler is a bad format.
        Assert.True(response.Status is 400 or 401, $"{name}: {response}");
        Assert.Empty(fixture.ReceivedWith(marker));
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {response.Status}");
    }

    [Fact]
    public async Task Request_LowercaseBearerAndTabs_Accepted()
    {
        var marker = Marker();
        var response = await SendAsync($"/v1/contacts/{marker}", Expand("Authorization:   bearer\t \t{KEY}  "));

        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("contacts", Assert.Single(fixture.ReceivedWith(marker)).Header("X-Route"));
    }

    [Fact]
    public async Task Request_TestKeyOnLiveOnlyRoute_Returns403AndNothingForwarded()
    {
        var marker = Marker();
        var response = await SendAsync($"/v1/billing/{marker}", $"Authorization: Bearer {fixture.TestMode.Plaintext}");

        Assert.True(response.Status == 403, response.ToString());
        Assert.Contains("Test keys are not allowed on this route", response.Body, StringComparison.Ordinal);
        Assert.Empty(fixture.ReceivedWith(marker));
    }

    internal static string Marker() => "m" + Guid.NewGuid().ToString("N");

    private string Expand(string header)
    {
        var key = fixture.Contacts.Plaintext;
        var badChecksum = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        return header.Replace("{KEY}", key, StringComparison.Ordinal)
            .Replace("{BADSUM}", badChecksum, StringComparison.Ordinal)
            .Replace("{OTHER}", new KeyFormat("xyz").Mint(KeyMode.Live), StringComparison.Ordinal);
    }

    private Task<RawResponse> SendAsync(string target, string headers) =>
        RawHttp.SendAsync(fixture.Gateway.PublicAddress, RawHttp.Request(
            [$"GET {target} HTTP/1.1", $"Host: {fixture.Gateway.PublicAddress.Authority}", headers, "Connection: close"]), Ct);
}
