using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.AdminApi.Webhooks;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Webhooks;

/// <summary>
/// The dispatcher against a real Kestrel receiver on a fake clock (docs/webhooks.md "Delivery"): signatures an
/// independent implementation accepts, the backoff schedule, timeouts, refusals, no redirects, order per key. The
/// hosted dispatcher is removed; each test runs passes itself, so nothing happens between the steps it names.
/// </summary>
public sealed class WebhookDispatcherTests : IAsyncLifetime
{
    private readonly AdminApiFactory _factory = new AdminApiFactory()
        .With("Webhooks:AllowPrivateNetworks", "true")
        .WithoutWebhookWorkers();

    private readonly WebhookReceiver _receiver = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // The reference library checks webhook-timestamp against the real clock (5 minutes' tolerance).
        _factory.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        await _receiver.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private WebhookDispatcher Dispatcher() => ActivatorUtilities.CreateInstance<WebhookDispatcher>(_factory.Services);

    private async Task<(string Id, string Secret)> RegisterAsync(Uri url, params string[] events)
    {
        using var client = _factory.CreateOwnerClient();
        using var response = await client.PostJsonAsync("/v1/webhooks", new JsonObject
        {
            ["url"] = url.ToString(),
            ["events"] = new JsonArray([.. (events.Length == 0 ? ["*"] : events).Select(e => JsonValue.Create(e))]),
        });
        var body = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        return (body.Str("id"), body.Str("secret"));
    }

    /// <summary>Writes an event into the outbox as a mutation would (tests of the hook itself are in WebhookEventsTests).</summary>
    private async Task<string> AppendAsync(string keyId, string type = WebhookEventTypes.KeyUpdated)
    {
        var dialect = _factory.Services.GetRequiredService<IStoreDialect>();
        var id = Ids.New("evt");
        var body = JsonSerializer.Serialize(new { type, timestamp = _factory.Clock.GetUtcNow(), data = new { id = keyId } });
        await using var connection = await dialect.OpenAsync(Ct);
        await using var transaction = await dialect.BeginWriteAsync(connection, Ct);
        await WebhookOutbox.AppendAsync(connection, transaction, new WebhookEvent(id, type, keyId, body, _factory.Clock.GetUtcNow()), Ct);
        await transaction.CommitAsync(Ct);
        return id;
    }

    private async Task<JsonElement[]> DeliveriesAsync(string webhookId)
    {
        using var client = _factory.CreateOwnerClient();
        var page = await client.GetJsonAsync($"/v1/webhooks/{webhookId}/deliveries");
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    [Fact]
    public async Task Deliver_Signed_StandardWebhooksReferenceLibraryVerifiesIt_AndRefusesATamperedBody()
    {
        var (_, secret) = await RegisterAsync(_receiver.Url());
        var eventId = await AppendAsync("key_1", WebhookEventTypes.KeyRevoked);

        Assert.Equal(1, await Dispatcher().RunOnceAsync(Ct));

        var received = Assert.Single(_receiver.Received);
        Assert.Equal(eventId, received.Id);
        Assert.Equal(_factory.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.Headers["webhook-timestamp"]);
        Assert.StartsWith("v1,", received.Headers["webhook-signature"], StringComparison.Ordinal);
        Assert.Equal("application/json", received.Headers["Content-Type"]);
        var (ok, output) = await ReferenceVerifyAsync(secret, received.Headers, received.Body);
        Assert.True(ok, output);
        Assert.Equal(WebhookEventTypes.KeyRevoked, output.Trim());
        var (tamperedOk, _) = await ReferenceVerifyAsync(secret, received.Headers, received.Body.Replace("key_1", "key_2", StringComparison.Ordinal));
        Assert.False(tamperedOk);
        var (wrongSecretOk, _) = await ReferenceVerifyAsync(WebhookSecret.New(), received.Headers, received.Body);
        Assert.False(wrongSecretOk);
    }

    [Fact]
    public async Task Retry_FailingReceiverThenRecovers_FollowsTheBackoffScheduleAndLogsEveryAttempt()
    {
        var (webhookId, _) = await RegisterAsync(_receiver.Url());
        var failures = 6;
        _receiver.Respond = (_, _) => Task.FromResult(Interlocked.Decrement(ref failures) >= 0 ? 503 : 204);
        var eventId = await AppendAsync("key_1");
        var dispatcher = Dispatcher();
        TimeSpan[] schedule = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(1)];

        Assert.Equal(1, await dispatcher.RunOnceAsync(Ct));
        foreach (var delay in schedule)
        {
            _factory.Clock.Advance(delay - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, await dispatcher.RunOnceAsync(Ct));
            _factory.Clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(1, await dispatcher.RunOnceAsync(Ct));
        }
        _factory.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await dispatcher.RunOnceAsync(Ct));

        Assert.Equal(7, _receiver.Received.Count);
        Assert.All(_receiver.Received, r => Assert.Equal(eventId, r.Id));
        var log = await DeliveriesAsync(webhookId);
        Assert.Equal([7, 6, 5, 4, 3, 2, 1], log.Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.Equal([204, 503, 503, 503, 503, 503, 503], log.Select(a => a.GetProperty("status").GetInt32()));
        Assert.Equal(JsonValueKind.Null, log[0].GetProperty("nextAttemptAt").ValueKind);
        var failed = log.Skip(1).Reverse().ToArray();
        for (var i = 0; i < failed.Length; i++)
        {
            Assert.Equal(failed[i].Time("at") + schedule[i], failed[i].Time("nextAttemptAt"));
        }
    }

    [Fact]
    public async Task Retry_ReceiverNeverRecovers_GivenUpAfterMaxAttemptHours()
    {
        await using var factory = new AdminApiFactory().With("Webhooks:AllowPrivateNetworks", "true").With("Webhooks:MaxAttemptHours", "1").WithoutWebhookWorkers();
        using var client = factory.CreateOwnerClient();
        using var created = await client.PostJsonAsync("/v1/webhooks", new JsonObject { ["url"] = _receiver.Url().ToString(), ["events"] = new JsonArray("*") });
        var webhookId = (await ApiAssert.JsonAsync(created, HttpStatusCode.Created)).Str("id");
        _receiver.Respond = (_, _) => Task.FromResult(500);
        var dialect = factory.Services.GetRequiredService<IStoreDialect>();
        await using (var connection = await dialect.OpenAsync(Ct))
        await using (var transaction = await dialect.BeginWriteAsync(connection, Ct))
        {
            await WebhookOutbox.AppendAsync(connection, transaction, new WebhookEvent(Ids.New("evt"), WebhookEventTypes.KeyCreated, "key_1", "{}", factory.Clock.GetUtcNow()), Ct);
            await transaction.CommitAsync(Ct);
        }
        var dispatcher = ActivatorUtilities.CreateInstance<WebhookDispatcher>(factory.Services);

        var attempts = 0;
        for (var step = 0; step < 20; step++)
        {
            attempts += await dispatcher.RunOnceAsync(Ct);
            factory.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        // 0 s, 5 s, 35 s, 2 min 35 s, 12 min 35 s; the next (1 h later) would be past the hour: given up.
        Assert.Equal(5, attempts);
        var log = (await client.GetJsonAsync($"/v1/webhooks/{webhookId}/deliveries")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(5, log.Length);
        Assert.Equal(JsonValueKind.Null, log[0].GetProperty("nextAttemptAt").ValueKind);
        Assert.Contains(factory.Logs.Lines, l => l.EventId.Name == "WebhookGaveUp");
    }

    [Fact]
    public async Task Timeout_ReceiverHangs_AttemptEndsAtTimeoutSecondsAndIsRetried()
    {
        var (webhookId, _) = await RegisterAsync(_receiver.Url());
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _receiver.Respond = (_, context) => release.Task.WaitAsync(context.RequestAborted);
        await AppendAsync("key_1");
        var dispatcher = Dispatcher();

        var pass = dispatcher.RunOnceAsync(Ct);
        await _receiver.WaitForAsync(1, Ct);
        _factory.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(pass.IsCompleted);
        _factory.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await pass.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        release.TrySetResult(200);

        var attempt = Assert.Single(await DeliveriesAsync(webhookId));
        Assert.Equal("timeout", attempt.Str("error"));
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("status").ValueKind);
        Assert.Equal(attempt.Time("at").AddSeconds(5), attempt.Time("nextAttemptAt"));
    }

    [Fact]
    public async Task Failure_NobodyListens_ConnectionFailureRecordedAndRetried()
    {
        var closed = new WebhookReceiver();
        await closed.StartAsync(Ct);
        var url = closed.Url();
        await closed.DisposeAsync();
        var (webhookId, _) = await RegisterAsync(url);
        await AppendAsync("key_1");

        Assert.Equal(1, await Dispatcher().RunOnceAsync(Ct));

        var attempt = Assert.Single(await DeliveriesAsync(webhookId));
        Assert.StartsWith("connection failed", attempt.Str("error"), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, attempt.GetProperty("nextAttemptAt").ValueKind);
    }

    [Fact]
    public async Task Redirect_NotFollowed_CountsAsAFailedAttempt()
    {
        var (webhookId, _) = await RegisterAsync(_receiver.Url("/moved"));
        _receiver.Respond = (_, context) =>
        {
            context.Response.Headers.Location = _receiver.Url("/elsewhere").ToString();
            return Task.FromResult(307);
        };
        await AppendAsync("key_1");

        await Dispatcher().RunOnceAsync(Ct);

        Assert.Equal(["/moved"], _receiver.Received.Select(r => r.Path));
        var attempt = Assert.Single(await DeliveriesAsync(webhookId));
        Assert.Equal(307, attempt.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Order_KeysEarlierEventFails_LaterEventOfThatKeyWaitsAndOtherKeysFlow()
    {
        await RegisterAsync(_receiver.Url());
        var a1 = await AppendAsync("key_a");
        var a2 = await AppendAsync("key_a");
        var b1 = await AppendAsync("key_b");
        var failedOnce = 0;
        _receiver.Respond = (received, _) => Task.FromResult(received.Id == a1 && Interlocked.Exchange(ref failedOnce, 1) == 0 ? 500 : 200);
        var dispatcher = Dispatcher();

        Assert.Equal(2, await dispatcher.RunOnceAsync(Ct));   // a1 (fails) and b1; a2 waits behind a1
        Assert.Equal(0, await dispatcher.RunOnceAsync(Ct));
        _factory.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await dispatcher.RunOnceAsync(Ct));   // a1 again, delivered
        Assert.Equal(1, await dispatcher.RunOnceAsync(Ct));   // then a2

        Assert.Equal([a1, a1, a2], _receiver.Received.Select(r => r.Id).Where(id => id != b1));
        Assert.Contains(b1, _receiver.Received.Select(r => r.Id));
    }
    private static async Task<(bool Ok, string Output)> ReferenceVerifyAsync(string secret, IReadOnlyDictionary<string, string> headers, string body)
    {
        var script = Path.Combine(RepositoryRoot(), "tests", "clients", "verify-webhook.mjs");
        Assert.True(Directory.Exists(Path.Combine(RepositoryRoot(), "tests", "clients", "node_modules", "standardwebhooks")),
            "Run 'npm ci --prefix tests/clients' (test.sh does) to install the reference implementation.");
        var start = new ProcessStartInfo("node", [script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var input = JsonSerializer.Serialize(new
        {
            secret,
            headers = new Dictionary<string, string>
            {
                ["webhook-id"] = headers["webhook-id"],
                ["webhook-timestamp"] = headers["webhook-timestamp"],
                ["webhook-signature"] = headers["webhook-signature"],
            },
            body,
        });
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode == 0, output + error);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ApiGateway.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    }
}
