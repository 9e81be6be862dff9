using System.Net;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.Gateway;

/// <summary>
/// An operator's whole shadow routes workflow on real processes: set a candidate, see in the admin API which key it
/// would refuse, fix the candidate, see the report stay empty for new traffic, promote it (copy it over the live
/// routes file) and see the live answers change.
/// </summary>
public sealed class ShadowRoutesTests : IAsyncLifetime
{
    private const string ShadowFile = "shadow-routes.json";

    private ProcessPair _pair = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A routes file with the one contacts route to <paramref name="upstream"/>, its metadata <paramref name="metadata"/>.</summary>
    private static string Routes(Uri upstream, string metadata) => $$"""
        {
          "ReverseProxy": {
            "Routes": { "contacts": { "ClusterId": "upstream", "Match": { "Path": "/v1/contacts/{**rest}" }, "Metadata": { {{metadata}} } } },
            "Clusters": { "upstream": { "Destinations": { "d1": { "Address": "{{upstream}}" } } } }
          }
        }
        """;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string> { ["Gateway__ShadowRoutesFile"] = ShadowFile, ["Usage__FlushSeconds"] = "1" };
        // Live: contacts:read for everything but DELETE (which names contacts:write, so the admin API's catalogue has it).
        _pair = await ProcessPair.StartAsync(upstream => Routes(upstream, "\"Scopes\": \"contacts:read\", \"Scopes.DELETE\": \"contacts:write\""), settings, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }

    [Fact]
    public async Task ShadowFile_ReportThenFixThenPromote_LiveChangesOnlyOnPromotion()
    {
        using var admin = _pair.Admin.CreateClient();
        var reader = await MintAsync(admin, "reporting job", "contacts:read");
        var writer = await MintAsync(admin, "sync job", "contacts:write");

        // 1. A candidate that needs contacts:admin for everything: the reader would be refused.
        var loadedAt = await WriteShadowAsync(Routes(_pair.Upstream.BaseAddress, "\"Scopes\": \"contacts:admin\""), null);
        var since = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, await SendAsync(reader.Key, HttpMethod.Get));
        var report = await PollReportAsync(admin, since, r => Keys(r, "would_refuse").Contains(reader.Id));
        Assert.Equal([reader.Id], Keys(report, "would_refuse"));
        var row = report.GetProperty("routes")[0].GetProperty("keys")[0];
        Assert.Equal("reporting job", row.GetProperty("name").GetString());
        Assert.Equal("ws_e2e", row.GetProperty("workspaceId").GetString());

        // 2. Fixed: reads keep contacts:read, writes need contacts:write. New reader traffic is not reported; the writer,
        //    refused live today, would be let through (its row is the barrier: both requests' rows are flushed by then).
        await WriteShadowAsync(Routes(_pair.Upstream.BaseAddress, "\"Scopes.GET\": \"contacts:read\", \"Scopes.POST\": \"contacts:write\", \"Scopes.DELETE\": \"contacts:write\""), loadedAt);
        since = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.OK, await SendAsync(reader.Key, HttpMethod.Get));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(writer.Key, HttpMethod.Post));
        report = await PollReportAsync(admin, since, r => Keys(r, "would_allow").Contains(writer.Id));
        Assert.Equal([writer.Id], Keys(report, "would_allow"));
        Assert.Empty(Keys(report, "would_refuse"));

        // 3. Promote: the candidate becomes the live routes file; live answers change.
        var live = Path.Combine(_pair.Gateway.WorkingDirectory.FullName, "routes.json");
        File.Copy(Path.Combine(_pair.Gateway.WorkingDirectory.FullName, ShadowFile), live + ".tmp", overwrite: true);
        File.Move(live + ".tmp", live, overwrite: true);
        var promoted = await Poll.UntilAsync(_ => SendAsync(writer.Key, HttpMethod.Post), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(HttpStatusCode.OK, promoted);
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(reader.Key, HttpMethod.Post));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(reader.Key, HttpMethod.Get));
    }

    private static Task<(string Id, string Key)> MintAsync(HttpClient admin, string name, string scope) =>
        ProcessPair.MintAsync(admin, new { name, workspaceId = "ws_e2e", scopes = new[] { scope } }, Ct);

    private async Task<HttpStatusCode> SendAsync(string key, HttpMethod method)
    {
        using var client = _pair.Gateway.CreatePublicClient(key);
        using var response = await client.SendAsync(new HttpRequestMessage(method, new Uri("/v1/contacts/1", UriKind.Relative)), Ct);
        return response.StatusCode;
    }

    /// <summary>Writes the shadow file aside and renames it into place, then waits until /readyz shows a newer load than <paramref name="previous"/>.</summary>
    private async Task<string> WriteShadowAsync(string json, string? previous)
    {
        var path = Path.Combine(_pair.Gateway.WorkingDirectory.FullName, ShadowFile);
        await File.WriteAllTextAsync(path + ".tmp", json, Ct);
        File.Move(path + ".tmp", path, overwrite: true);
        using var client = _pair.Gateway.CreateInternalClient();
        var state = await Poll.UntilAsync(async ct =>
        {
            using var ready = JsonDocument.Parse(await client.GetStringAsync(new Uri("/readyz", UriKind.Relative), ct));
            return ready.RootElement.TryGetProperty("shadowRoutes", out var shadow) ? shadow.Clone() : default;
        }, s => s.ValueKind == JsonValueKind.Object && s.GetProperty("status").GetString() == "loaded"
            && s.TryGetProperty("loadedAt", out var at) && at.GetString() != previous, TimeSpan.FromSeconds(15), Ct);
        Assert.True(state.ValueKind == JsonValueKind.Object && state.GetProperty("status").GetString() == "loaded", $"shadow routes not loaded: {state}. {_pair.Gateway.Process.Describe()}");
        return state.GetProperty("loadedAt").GetString()!;
    }

    private static Task<JsonElement> PollReportAsync(HttpClient admin, DateTimeOffset since, Func<JsonElement, bool> done) =>
        Poll.UntilAsync(async ct =>
        {
            using var report = JsonDocument.Parse(await admin.GetStringAsync(new Uri($"/v1/shadow-decisions?since={Uri.EscapeDataString(since.ToString("O"))}", UriKind.Relative), ct));
            return report.RootElement.Clone();
        }, done, TimeSpan.FromSeconds(20), Ct);

    private static string[] Keys(JsonElement report, string outcome) =>
        [.. report.GetProperty("routes").EnumerateArray().Where(r => r.GetProperty("outcome").GetString() == outcome)
            .SelectMany(r => r.GetProperty("keys").EnumerateArray()).Select(k => k.GetProperty("id").GetString()!)];
}
