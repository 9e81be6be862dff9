using System.Net;
using System.Text.Json;
using ApiGateway.AdminApi.Tests.TestSupport;

namespace ApiGateway.AdminApi.Tests.Endpoints;

/// <summary><c>GET /v1/keys</c> search and both long lists' paging: bounded offset, keyset cursors.</summary>
public sealed class KeySearchAndPagingTests(AdminApiFactory factory) : IClassFixture<AdminApiFactory>
{
    private readonly HttpClient _client = factory.CreateOwnerClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/v1/keys?offset=10001", "offset")]
    [InlineData("/v1/keys?offset=2147483647", "offset")]
    [InlineData("/v1/audit?offset=10001", "offset")]
    [InlineData("/v1/keys?cursor=not-a-cursor", "cursor")]
    [InlineData("/v1/keys?cursor=YS4x", "cursor")]
    [InlineData("/v1/audit?cursor=ay4xLmtleV94", "cursor")]
    [InlineData("/v1/keys?offset=0&cursor=ay4xLmtleV94", "cursor")]
    [InlineData("/v1/keys?search=", "search")]
    [InlineData("/v1/keys?prefix=agw_live_3Xk9Qa1bc", "prefix")]
    [InlineData("/v1/keys?prefix=agw%25", "prefix")]
    public async Task List_BadPagingOrSearch_Returns400NamingTheParameter(string path, string field)
    {
        using var response = await _client.GetAsync(path, Ct);
        await ApiAssert.ValidationErrorAsync(response, field);
    }

    [Fact]
    public async Task List_Cursor_WalksEveryKeyOnceAndEndsWithNullCursor()
    {
        var owner = $"pager-{Guid.NewGuid():N}";
        var minted = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            minted.Add((await _client.MintAsync(KeyRequests.Valid(owner))).Str("id"));
        }

        var seen = new List<string>();
        var path = $"/v1/keys?owner={owner}&limit=2";
        string? cursor = null;
        do
        {
            var page = await _client.GetJsonAsync(cursor is null ? path : $"{path}&cursor={cursor}");
            Assert.Equal(5, page.GetProperty("total").GetInt32());
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(k => k.Str("id")));
            var next = page.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
        }
        while (cursor is not null);

        Assert.Equal(5, seen.Count);
        Assert.Equal(minted.Order(), seen.Order());
    }

    [Fact]
    public async Task List_SearchAndPrefix_FindKeysAmongAllInTheStore()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var body = KeyRequests.Valid();
        body["name"] = $"Needle {tag}";
        var needle = await _client.MintAsync(body);
        for (var i = 0; i < 3; i++)
        {
            await _client.MintAsync();
        }

        var byName = await _client.GetJsonAsync($"/v1/keys?search=needle%20{tag.ToUpperInvariant()}");
        var byPrefix = await _client.GetJsonAsync($"/v1/keys?prefix={needle.Str("prefix")}");

        Assert.Equal([needle.Str("id")], byName.GetProperty("items").EnumerateArray().Select(k => k.Str("id")));
        Assert.Equal([needle.Str("id")], byPrefix.GetProperty("items").EnumerateArray().Select(k => k.Str("id")));
    }

    [Fact]
    public async Task Audit_Cursor_PagesOlderEventsWithoutRepeats()
    {
        for (var i = 0; i < 4; i++)
        {
            await _client.MintAsync();
        }

        var first = await _client.GetJsonAsync("/v1/audit?action=key.created&limit=2");
        var second = await _client.GetJsonAsync($"/v1/audit?action=key.created&limit=2&cursor={first.Str("nextCursor")}");

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(e => e.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal(ids.OrderDescending(), ids);
    }

    [Fact]
    public async Task List_OffsetAtTheBound_IsAccepted()
    {
        using var response = await _client.GetAsync("/v1/keys?offset=10000", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
