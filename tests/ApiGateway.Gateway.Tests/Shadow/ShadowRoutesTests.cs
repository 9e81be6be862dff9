using System.Net;
using System.Text.Json;
using ApiGateway.Gateway.Shadow;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Gateway.Tests.Shadow;

/// <summary>
/// The shadow file is read like the live one and reloaded on change; a bad one is logged at Warning and ignored (the last
/// good candidate keeps being evaluated), never touching live answers; <c>/readyz</c> shows its state.
/// </summary>
public sealed class ShadowRoutesTests(ShadowRoutesFixture fixture) : IClassFixture<ShadowRoutesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ContactsNeed(string scope) =>
        fixture.LiveRoutes.Replace("\"Resource\": \"contacts\"", $"\"Scopes\": \"{scope}\"", StringComparison.Ordinal);

    private async Task<double> WouldRefuseAfterGetAsync(string key)
    {
        var before = (await fixture.DecisionsAsync()).GetValueOrDefault("contacts|would_refuse");
        using var client = fixture.Gateway.CreateKeyClient(key);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await fixture.DecisionsAsync()).GetValueOrDefault("contacts|would_refuse") - before;
    }

    private async Task<JsonElement> ReadyzAsync()
    {
        var context = await fixture.Gateway.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/readyz";
            c.Connection.LocalPort = 9091;
        }, Ct);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        using var json = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: Ct);
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task ShadowFile_ChangedThenGarbageThenInvalidThenFixed_ReloadsAndIgnoresBadVersions()
    {
        var key = await fixture.Gateway.MintAsync(["contacts:read"]);

        // A candidate that needs another scope: counted; reloaded to one that needs the key's scope: not counted.
        await fixture.ReplaceAsync(ContactsNeed("contacts:admin"));
        Assert.Equal(1, await WouldRefuseAfterGetAsync(key.Plaintext));
        await fixture.ReplaceAsync(ContactsNeed("contacts:read"));
        Assert.Equal(0, await WouldRefuseAfterGetAsync(key.Plaintext));
        await fixture.ReplaceAsync(ContactsNeed("contacts:admin"));
        Assert.Equal(1, await WouldRefuseAfterGetAsync(key.Plaintext));
        var ready = await ReadyzAsync();
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("loaded", ready.GetProperty("shadowRoutes").GetProperty("status").GetString());

        // Garbage: logged at Warning, ignored; the last good candidate is still evaluated and live answers are unchanged.
        await fixture.ReplaceAsync("{ \"ReverseProxy\": { \"Routes\": ");
        Assert.Equal(ShadowRoutesState.FailedStatus, fixture.Shadow.State!.Status);
        Assert.True(fixture.Shadow.State.Evaluating);
        Assert.Equal(1, await WouldRefuseAfterGetAsync(key.Plaintext));
        ready = await ReadyzAsync();
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("failed", ready.GetProperty("shadowRoutes").GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(ready.GetProperty("shadowRoutes").GetProperty("error").GetString()));
        Assert.Contains(fixture.Gateway.Logs.Lines, l => l.EventId.Id == 1002 && l.Level == LogLevel.Warning && l.Message.Contains(fixture.ShadowPath, StringComparison.Ordinal));

        // Valid JSON that fails the gateway's route validation: refused the same way, the route and field named.
        await fixture.ReplaceAsync(ContactsNeed("Contacts:Admin"));
        Assert.Equal(ShadowRoutesState.FailedStatus, fixture.Shadow.State!.Status);
        Assert.Contains("Route 'contacts'", fixture.Shadow.State.Error, StringComparison.Ordinal);
        Assert.Contains("Contacts:Admin", fixture.Shadow.State.Error, StringComparison.Ordinal);
        Assert.Equal(1, await WouldRefuseAfterGetAsync(key.Plaintext));

        // Fixed: loaded again and evaluated as it now is.
        await fixture.ReplaceAsync(ContactsNeed("contacts:read"));
        Assert.Equal(ShadowRoutesState.LoadedStatus, fixture.Shadow.State!.Status);
        Assert.Equal(0, await WouldRefuseAfterGetAsync(key.Plaintext));
    }
}

/// <summary>A shadow file that is bad when the gateway starts: the gateway starts and serves, nothing is evaluated, <c>/readyz</c> says why.</summary>
public sealed class ShadowRoutesBadAtStartTests : IAsyncLifetime
{
    private readonly ShadowRoutesFixture _fixture = new() { Initial = "{ not json" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _fixture.InitializeAsync();

    public ValueTask DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Start_BadShadowFile_ServesLiveAndReportsFailure()
    {
        var key = await _fixture.Gateway.MintAsync(["contacts:read"]);
        using var client = _fixture.Gateway.CreateKeyClient(key.Plaintext);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(_fixture.Shadow.Candidate);
        Assert.Equal(ShadowRoutesState.FailedStatus, _fixture.Shadow.State!.Status);
        Assert.False(_fixture.Shadow.State.Evaluating);
        Assert.Contains(_fixture.Gateway.Logs.Lines, l => l.EventId.Id == 1002 && l.Level == LogLevel.Warning);
        var context = await _fixture.Gateway.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/readyz";
            c.Connection.LocalPort = 9091;
        }, Ct);
        Assert.Equal(200, context.Response.StatusCode);
        using var json = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: Ct);
        var shadow = json.RootElement.GetProperty("shadowRoutes");
        Assert.Equal("failed", shadow.GetProperty("status").GetString());
        Assert.False(shadow.GetProperty("evaluating").GetBoolean());
    }

    [Fact]
    public async Task ShadowFile_FixedAfterBadStart_IsEvaluated()
    {
        await _fixture.ReplaceAsync(_fixture.LiveRoutes.Replace("\"Resource\": \"contacts\"", "\"Scopes\": \"contacts:admin\"", StringComparison.Ordinal));
        Assert.Equal(ShadowRoutesState.LoadedStatus, _fixture.Shadow.State!.Status);
        var key = await _fixture.Gateway.MintAsync(["contacts:read"]);
        using var client = _fixture.Gateway.CreateKeyClient(key.Plaintext);
        using var response = await client.GetAsync("/v1/contacts/1", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await _fixture.DecisionsAsync())["contacts|would_refuse"]);
    }
}
