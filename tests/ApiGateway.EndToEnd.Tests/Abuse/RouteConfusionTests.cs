namespace ApiGateway.EndToEnd.Tests.Abuse;

/// <summary>
/// Requests the gateway refuses before any key check, sent as exact bytes to the real process: methods outside the
/// accepted set (405/501, and no metric series per token), and paths that a common upstream would read as another
/// route than the one the gateway matched (400 "Invalid request path"). Nothing reaches the upstream.
/// </summary>
public sealed class RouteConfusionTests(EdgeFixture fixture) : IClassFixture<EdgeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Host => $"Host: {fixture.Gateway.PublicAddress.Authority}";

    private string Auth => $"Authorization: Bearer {fixture.Contacts.Plaintext}";

    [Theory]
    [InlineData("FOO", 501)]
    [InlineData("PROPFIND", 501)]
    [InlineData("CONNECT", 501)]
    [InlineData("get", 405)]
    [InlineData("TRACE", 405)]
    [InlineData("Delete", 405)]
    public async Task Request_MethodOutsideTheAcceptedSet_RefusedBeforeAnyKeyCheck(string method, int status)
    {
        var marker = CredentialAbuseTests.Marker();
        // No Authorization header: the refusal comes before the key check, so it is not a 401.
        var response = await SendAsync([$"{method} /v1/contacts/{marker} HTTP/1.1", Host, "Content-Length: 0", "Connection: close"]);

        Assert.True(response.Status == status, response.ToString());
        Assert.Contains("application/problem+json", response.Head, StringComparison.Ordinal);
        Assert.DoesNotContain(method, response.Body, StringComparison.Ordinal);
        if (status == 405)
        {
            Assert.Contains("Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", response.Head, StringComparison.Ordinal);
        }
        Assert.Empty(fixture.ReceivedWith(marker));
    }

    /// <summary>The review's case: invented method tokens grew <c>/metrics</c> by a series each, without bound.</summary>
    [Fact]
    public async Task Request_ManyInventedMethods_MetricsDoNotGrow()
    {
        using var scraper = fixture.Gateway.CreateInternalClient();
        await SendJunkAsync(0, 20);
        var before = Series(await scraper.GetStringAsync("/metrics", Ct));

        await SendJunkAsync(20, 200);
        var text = await scraper.GetStringAsync("/metrics", Ct);

        Assert.DoesNotContain("JUNK", text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, Series(text));

        async Task SendJunkAsync(int from, int count)
        {
            for (var i = from; i < from + count; i++)
            {
                var response = await SendAsync([$"XJUNK{i} /v1/contacts/junk{i} HTTP/1.1", Host, Auth, "Content-Length: 0", "Connection: close"]);
                Assert.True(response.Status == 501, response.ToString());
            }
        }

        // Series names with their labels, without values and without the runtime gauges that move on their own.
        static HashSet<string> Series(string text) => text.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line[..line.LastIndexOf(' ')])
            .Where(s => !s.StartsWith("process_", StringComparison.Ordinal) && !s.StartsWith("dotnet_", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Each of these matched the broad <c>contacts</c> route (or none) at the gateway, while Tomcat/Spring (path
    /// parameters), nginx (merge_slashes), IIS/Windows (trailing dots, best-fit), a double-decoding upstream or an
    /// NFKC-normalising framework would serve <c>/v1/admin/…</c> or <c>/v1/billing/…</c>: past the admin scope, past
    /// LiveOnly. Every one is a 400 "Invalid request path", before any key check, and never forwarded.
    /// </summary>
    public static TheoryData<string> ConfusingPaths => new()
    {
        "/v1/contacts/..;/admin/{M}",
        "/v1/contacts/%2e%2e;/admin/{M}",
        "/v1/contacts/..%3B/admin/{M}",
        "/v1/contacts/..%3b/billing/{M}",
        "/v1/contacts/.;/admin/{M}",
        "/v1/contacts;jsessionid=x/{M}",
        // Kestrel resolves dot segments before the gateway sees the path, and its resolution can swallow the segment
        // a servlet or nginx would read differently: Kestrel reads this one as /v1/admin, Tomcat as /admin.
        "/v1/contacts/.;/../../admin/{M}",
        "/v1/contacts/..;/../admin/{M}",
        "/v1//../admin/{M}",
        "/v1/contacts;jsessionid=x/../admin/{M}",
        "/v1/contacts/../admin/{M}",
        "/v1/contacts/%2e%2e/admin/{M}",
        "/v1/contacts/./{M}",
        "/v1/contacts/x;/admin/{M}",
        "/v1//admin/{M}",
        "/v1/contacts//{M}",
        "//v1/admin/{M}",
        "/v1/contacts/%2F/{M}",
        "/v1/contacts/.../admin/{M}",
        "/v1/contacts/..%20/admin/{M}",
        "/v1/contacts/.. ./admin/{M}".Replace(" ", "%20", StringComparison.Ordinal),
        "/v1/admin./{M}",
        "/v1/contacts/%2561dmin/{M}",
        "/v1/contacts/%252e%252e/admin/{M}",
        "/v1/contacts/%C0%AE%C0%AE/admin/{M}",
        "/v1/contacts/%u002e%u002e/admin/{M}",
        "/v1/contacts/%zz/{M}",
        "/v1/contacts/%EF%BC%8E%EF%BC%8E/admin/{M}",
        "/v1/contacts/%E2%80%A5/admin/{M}",
        "/v1/contacts/..%EF%BC%8Fadmin/{M}",
        "/v1/contacts/a%0d%0aX-Injected:%201/{M}",
        "/v1/contacts/a%09b/{M}",
        "/v1/contacts/a%7Fb/{M}",
        "/v1/contacts/a%E2%80%A8b/{M}",
        "/v1/contacts/a%E2%80%AEb/{M}",
        "/v1/contacts/a%E2%80%8Bb/{M}",
        "/v1/contacts/x#/../../admin/{M}",   // Kestrel resolved the dot segments after a raw '#': reached /v1/admin
        "/v1/contacts/x%23/../../admin/{M}",
        "/v1/contacts/{M}#frag",
    };

    [Theory]
    [MemberData(nameof(ConfusingPaths))]
    public async Task Request_ConfusingPath_Refused400BeforeAnyKeyCheck(string target)
    {
        var marker = CredentialAbuseTests.Marker();
        var response = await SendAsync([$"GET {target.Replace("{M}", marker, StringComparison.Ordinal)} HTTP/1.1", Host, "Connection: close"]);

        Assert.True(response.Status == 400, response.ToString());
        Assert.Contains("Invalid request path", response.Body, StringComparison.Ordinal);
        Assert.Empty(fixture.ReceivedWith(marker));
    }

    /// <summary>What a real API sends keeps working: the list refuses only what some upstream reads differently.</summary>
    [Theory]
    [InlineData("/v1/contacts/{M}")]
    [InlineData("/v1/contacts/{M}/")]
    [InlineData("/v1/contacts/{M}/file.json")]
    [InlineData("/v1/contacts/{M}/a.b.c")]
    [InlineData("/v1/contacts/{M}/.well-known")]
    [InlineData("/v1/contacts/{M}/items:batchGet")]
    [InlineData("/v1/contacts/{M}/caf%C3%A9")]
    [InlineData("/v1/contacts/{M}/a%20b")]
    [InlineData("/v1/contacts/{M}/a+b,c=d@e")]
    [InlineData("/v1/contacts/{M}?q=a;b&r=..%2F..//x%00")]
    public async Task Request_OrdinaryPath_Forwarded(string target)
    {
        var marker = CredentialAbuseTests.Marker();
        var response = await SendAsync([$"GET {target.Replace("{M}", marker, StringComparison.Ordinal)} HTTP/1.1", Host, Auth, "Connection: close"]);

        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal("contacts", Assert.Single(fixture.ReceivedWith(marker)).Header("X-Route"));
    }

    private Task<RawResponse> SendAsync(string[] lines, string body = "") =>
        RawHttp.SendAsync(fixture.Gateway.PublicAddress, RawHttp.Request(lines, body), Ct);
}
