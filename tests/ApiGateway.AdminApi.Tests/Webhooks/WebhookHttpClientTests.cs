using System.Net;
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
/// SSRF at connect time: an endpoint whose URL passed registration but whose name now resolves to an internal address
/// (DNS rebinding, or a row written around the API) is never connected to; the address connected to is what is checked.
/// </summary>
public sealed class WebhookHttpClientTests : IAsyncLifetime
{
    private readonly AdminApiFactory _factory = new AdminApiFactory().WithoutWebhookWorkers();
    private readonly WebhookReceiver _receiver = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _receiver.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _factory.DisposeAsync();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task Deliver_DestinationResolvesToLoopback_NeverConnectedAndRecordedAsRefused(string host)
    {
        var url = new UriBuilder(_receiver.Url()) { Host = host }.Uri;
        var store = _factory.Services.GetRequiredService<IWebhookStore>();
        var webhook = new Webhook(Ids.New("wh"), url.ToString(), ["*"], null, _factory.Clock.GetUtcNow(), "adm_test");
        await store.CreateAsync(webhook, WebhookSecret.New(), new Actor("adm_test", "test"), Ct);
        var dialect = _factory.Services.GetRequiredService<IStoreDialect>();
        await using (var connection = await dialect.OpenAsync(Ct))
        await using (var transaction = await dialect.BeginWriteAsync(connection, Ct))
        {
            await WebhookOutbox.AppendAsync(connection, transaction, new WebhookEvent(Ids.New("evt"), WebhookEventTypes.KeyCreated, "key_1", "{}", _factory.Clock.GetUtcNow()), Ct);
            await transaction.CommitAsync(Ct);
        }

        Assert.Equal(1, await ActivatorUtilities.CreateInstance<WebhookDispatcher>(_factory.Services).RunOnceAsync(Ct));

        Assert.Empty(_receiver.Received);
        var attempt = Assert.Single(await store.ListAttemptsAsync(webhook.Id, 10, null, Ct));
        Assert.Null(attempt.Status);
        Assert.StartsWith("destination refused", attempt.Error, StringComparison.Ordinal);
        Assert.NotNull(attempt.NextAttemptAt);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("1.1.1.1", false)]
    [InlineData("2606:4700:4700::1111", false)]
    [InlineData("172.32.0.1", false)]
    public void IsRefused_Address(string address, bool refused) =>
        Assert.Equal(refused, WebhookDestinations.IsRefused(IPAddress.Parse(address)));
}
