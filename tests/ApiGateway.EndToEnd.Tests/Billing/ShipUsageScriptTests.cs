using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.Keys.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ApiGateway.EndToEnd.Tests.Billing;

/// <summary>
/// docs/billing.md's shipping script (scripts/ship-usage.sh), run for real with bash and curl against a real admin API
/// process and a local CloudEvents receiver (Kestrel): each closed hour arrives once, as a batch with stable ids; the open
/// hour never; a second run ships nothing; a run that lost its state re-ships the same ids (a meter deduplicates them).
/// </summary>
public sealed class ShipUsageScriptTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string? ContentType, string? Authorization, string Body)> _received = new();
    private ProcessPair _pair = null!;
    private WebApplication _receiver = null!;
    private Uri _receiverUrl = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/api/v1/events", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            _received.Enqueue((request.ContentType, request.Headers.Authorization.ToString(), await reader.ReadToEndAsync()));
            return Results.NoContent();
        });
        await _receiver.StartAsync(Ct);
        _receiverUrl = new Uri(new Uri(_receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), "/api/v1/events");
        // Last: ProcessPair cleans up after itself if it fails to start, and nothing can fail after it.
        _pair = await ProcessPair.StartAsync(EchoGateway.Routes, ProcessPair.GatewayDefaults, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        if (_pair is not null)
        {
            await _pair.DisposeAsync();
        }
    }

    [Fact]
    public async Task Script_ClosedHours_ShippedOnceWithStableIds_SecondRunShipsNothing()
    {
        var key = (await _pair.Gateway.Keys.MintAsync([EchoGateway.Scope], cancellationToken: Ct)).Key;
        var now = DateTimeOffset.UtcNow;
        var (older, old, open) = (UsageHours.Start(now.AddHours(-3)), UsageHours.Start(now.AddHours(-2)), UsageHours.Start(now));
        await _pair.Gateway.Keys.Usage.RecordUsageAsync(
        [
            new(key.Id, older, 4, older, Units: 20, Refused: 1),
            new(key.Id, old, 2, old, Units: 2),
            new(key.Id, open, 9, now, Units: 9), // still open: never shipped
        ], Ct);
        var state = Path.Combine(_pair.Gateway.WorkingDirectory.FullName, "ship", "usage.state");

        var first = await RunScriptAsync(state);
        var batches = _received.ToArray();
        _received.Clear();
        var second = await RunScriptAsync(state);
        var afterSecond = _received.ToArray();

        Assert.Equal(2, batches.Length);
        Assert.All(batches, b => Assert.Equal("application/cloudevents-batch+json", b.ContentType));
        Assert.All(batches, b => Assert.Equal("Bearer receiver-token", b.Authorization));
        var events = batches.SelectMany(b => JsonDocument.Parse(b.Body).RootElement.EnumerateArray().Select(e => e.Clone())).ToList();
        Assert.Equal([$"{key.Id}:{older.ToUnixTimeSeconds()}", $"{key.Id}:{old.ToUnixTimeSeconds()}"], events.Select(e => e.GetProperty("id").GetString()));
        var data = events[0].GetProperty("data");
        Assert.Equal((4, 20, 1), (data.GetProperty("requests").GetInt64(), data.GetProperty("units").GetInt64(), data.GetProperty("refused").GetInt64()));
        Assert.Equal("ws_e2e", events[0].GetProperty("subject").GetString());
        Assert.Contains("shipped 2 hour(s)", first, StringComparison.Ordinal);
        Assert.Empty(afterSecond);
        Assert.Contains("shipped 0 hour(s)", second, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminApiProcess.BootstrapKey, first + second, StringComparison.Ordinal);

        // State lost: the same hours go again, with the same ids, so the receiver's meter counts them once.
        File.Delete(state);
        await RunScriptAsync(state);
        var again = _received.SelectMany(b => JsonDocument.Parse(b.Body).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString())).ToList();
        Assert.Equal(events.Select(e => e.GetProperty("id").GetString()), again);
    }

    private async Task<string> RunScriptAsync(string stateFile)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot(), "scripts", "ship-usage.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ADMIN_URL"] = _pair.Admin.Address.GetLeftPart(UriPartial.Authority);
        start.Environment["ADMIN_TOKEN"] = AdminApiProcess.BootstrapKey;
        start.Environment["RECEIVER_URL"] = _receiverUrl.ToString();
        start.Environment["RECEIVER_TOKEN"] = "receiver-token";
        start.Environment["STATE_FILE"] = stateFile;
        start.Environment["START_HOURS_AGO"] = "5";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"ship-usage.sh exited {process.ExitCode}: {await output} {await error}");
        return await output + await error;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ApiGateway.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}
