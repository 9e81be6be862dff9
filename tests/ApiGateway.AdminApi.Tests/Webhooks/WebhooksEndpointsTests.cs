using System.Net;
using System.Text.Json.Nodes;
using ApiGateway.AdminApi.Tests.TestSupport;
using ApiGateway.AdminApi.Webhooks;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Model;
using ApiGateway.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace ApiGateway.AdminApi.Tests.Webhooks;

/// <summary><c>/v1/webhooks</c>: registration (secret once, 400s naming the field, internal destinations refused), lists, delete.</summary>
public sealed class WebhooksEndpointsTests : IAsyncLifetime
{
    private readonly AdminApiFactory _factory = new AdminApiFactory().WithoutWebhookWorkers();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private static JsonObject Body(string url = "https://hooks.example.com/agw", params string[] events) => new()
    {
        ["url"] = url,
        ["events"] = new JsonArray([.. (events.Length == 0 ? [WebhookEventTypes.KeyRevoked, WebhookEventTypes.KeyLeaked] : events).Select(e => JsonValue.Create(e))]),
        ["description"] = "billing service",
    };

    [Fact]
    public async Task Create_Valid_SecretShownOnceAndNeverInListsAuditOrLogs()
    {
        using var client = _factory.CreateOwnerClient();

        using var response = await client.PostJsonAsync("/v1/webhooks", Body());

        var created = await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
        var id = created.Str("id");
        var secret = created.Str("secret");
        Assert.True(Ids.LooksLike(id, "wh"));
        Assert.Equal($"/v1/webhooks/{id}", response.Headers.Location?.ToString());
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.True(Convert.FromBase64String(secret["whsec_".Length..]).Length >= 24);
        Assert.Equal(["key.revoked", "key.leaked"], created.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("billing service", created.Str("description"));

        var list = await client.GetJsonAsync("/v1/webhooks");
        var one = await client.GetJsonAsync($"/v1/webhooks/{id}");
        var audit = await client.GetJsonAsync("/v1/audit?action=webhook.created");
        Assert.Equal(id, Assert.Single(list.GetProperty("items").EnumerateArray()).Str("id"));
        Assert.Equal("https://hooks.example.com/agw", one.Str("url"));
        Assert.False(one.TryGetProperty("secret", out _));
        var secretPart = secret["whsec_".Length..];
        Assert.DoesNotContain(secretPart, list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(secretPart, one.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(id, Assert.Single(audit.GetProperty("items").EnumerateArray()).GetProperty("details").Str("webhookId"));
        Assert.DoesNotContain(secretPart, audit.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(secretPart, _factory.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AdminRole_MayManageWebhooks()
    {
        using var owner = _factory.CreateOwnerClient();
        using var made = await owner.PostJsonAsync("/v1/admin-keys", new JsonObject { ["name"] = "ops", ["role"] = "admin" });
        var credential = (await ApiAssert.JsonAsync(made, HttpStatusCode.Created)).Str("key");
        using var admin = _factory.CreateClient(credential);

        using var created = await admin.PostJsonAsync("/v1/webhooks", Body());
        var id = (await ApiAssert.JsonAsync(created, HttpStatusCode.Created)).Str("id");
        using var deleted = await admin.DeleteAsync($"/v1/webhooks/{id}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Create_NoCredential_401()
    {
        using var anonymous = _factory.CreateClient(credential: null);
        using var response = await anonymous.PostJsonAsync("/v1/webhooks", Body());
        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("url", "{\"events\":[\"*\"]}")]
    [InlineData("url", "{\"url\":\"ftp://hooks.example.com/\",\"events\":[\"*\"]}")]
    [InlineData("url", "{\"url\":\"/relative\",\"events\":[\"*\"]}")]
    [InlineData("url", "{\"url\":\"https://user:pass@hooks.example.com/\",\"events\":[\"*\"]}")]
    [InlineData("url", "{\"url\":\"https://hooks.example.com/#frag\",\"events\":[\"*\"]}")]
    [InlineData("events", "{\"url\":\"https://hooks.example.com/\"}")]
    [InlineData("events", "{\"url\":\"https://hooks.example.com/\",\"events\":[]}")]
    [InlineData("events[1]", "{\"url\":\"https://hooks.example.com/\",\"events\":[\"key.revoked\",\"key.exploded\"]}")]
    [InlineData("events[1]", "{\"url\":\"https://hooks.example.com/\",\"events\":[\"key.revoked\",\"key.revoked\"]}")]
    [InlineData("events[0]", "{\"url\":\"https://hooks.example.com/\",\"events\":[\"KEY.REVOKED\"]}")]
    [InlineData("description", "{\"url\":\"https://hooks.example.com/\",\"events\":[\"*\"],\"description\":\"\"}")]
    [InlineData("secret", "{\"url\":\"https://hooks.example.com/\",\"events\":[\"*\"],\"secret\":\"whsec_mine\"}")]
    public async Task Create_BadField_400NamingIt(string field, string json)
    {
        using var client = _factory.CreateOwnerClient();
        using var response = await client.PostRawAsync("/v1/webhooks", json);
        var errors = await ApiAssert.ValidationErrorAsync(response, field);
        Assert.NotEmpty(errors);
        Assert.Empty((await client.GetJsonAsync("/v1/webhooks")).GetProperty("items").EnumerateArray());
    }

    /// <summary>SSRF at registration: each internal form, literal or named, is refused with <c>url</c> named.</summary>
    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://127.8.9.10:8081/v1/keys")]
    [InlineData("http://localhost:8081/")]
    [InlineData("http://api.localhost/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://172.31.255.255/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/")]
    [InlineData("http://[2002:a9fe:a9fe::1]/")]
    [InlineData("http://224.0.0.1/")]
    public async Task Create_InternalDestination_400NamingUrl(string url)
    {
        using var client = _factory.CreateOwnerClient();
        using var response = await client.PostJsonAsync("/v1/webhooks", Body(url));
        var errors = await ApiAssert.ValidationErrorAsync(response, "url");
        Assert.Contains("AllowPrivateNetworks", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_InternalDestinationWhenAllowed_201()
    {
        await using var factory = new AdminApiFactory().With("Webhooks:AllowPrivateNetworks", "true").WithoutWebhookWorkers();
        using var client = factory.CreateOwnerClient();
        using var response = await client.PostJsonAsync("/v1/webhooks", Body("http://127.0.0.1:9999/hook"));
        await ApiAssert.JsonAsync(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Delete_ThenGetDeleteAndDeliveries_404()
    {
        using var client = _factory.CreateOwnerClient();
        using var created = await client.PostJsonAsync("/v1/webhooks", Body());
        var id = (await ApiAssert.JsonAsync(created, HttpStatusCode.Created)).Str("id");

        using var deleted = await client.DeleteAsync($"/v1/webhooks/{id}", Ct);
        using var again = await client.DeleteAsync($"/v1/webhooks/{id}", Ct);
        using var get = await client.GetAsync($"/v1/webhooks/{id}", Ct);
        using var deliveries = await client.GetAsync($"/v1/webhooks/{id}/deliveries", Ct);
        using var junk = await client.GetAsync("/v1/webhooks/not-an-id/deliveries", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ApiAssert.ProblemAsync(again, HttpStatusCode.NotFound, "Webhook not found");
        await ApiAssert.ProblemAsync(get, HttpStatusCode.NotFound, "Webhook not found");
        await ApiAssert.ProblemAsync(deliveries, HttpStatusCode.NotFound, "Webhook not found");
        await ApiAssert.ProblemAsync(junk, HttpStatusCode.NotFound, "Webhook not found");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=abc", "cursor")]
    public async Task Deliveries_BadPaging_400NamingIt(string query, string field)
    {
        using var client = _factory.CreateOwnerClient();
        using var created = await client.PostJsonAsync("/v1/webhooks", Body());
        var id = (await ApiAssert.JsonAsync(created, HttpStatusCode.Created)).Str("id");
        using var response = await client.GetAsync($"/v1/webhooks/{id}/deliveries?{query}", Ct);
        await ApiAssert.ValidationErrorAsync(response, field);
    }

    [Fact]
    public async Task OpenApi_WebhookOperations_DocumentedWithSummariesAndProblems()
    {
        using var client = _factory.CreateClient(credential: null);
        using var response = await client.GetAsync("/openapi/v1.json", Ct);
        var paths = (await ApiAssert.JsonAsync(response, HttpStatusCode.OK)).GetProperty("paths");

        var create = paths.GetProperty("/v1/webhooks").GetProperty("post");
        Assert.Contains("secret", create.Str("summary"), StringComparison.Ordinal);
        Assert.True(create.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(paths.GetProperty("/v1/webhooks").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/v1/webhooks/{id}").GetProperty("delete").GetProperty("responses").TryGetProperty("404", out _));
        var deliveries = paths.GetProperty("/v1/webhooks/{id}/deliveries").GetProperty("get");
        Assert.Equal(["id", "limit", "cursor"], deliveries.GetProperty("parameters").EnumerateArray().Select(p => p.Str("name")));
    }
}
