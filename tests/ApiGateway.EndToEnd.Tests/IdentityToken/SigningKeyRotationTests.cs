using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using ApiGateway.EndToEnd.Tests.Infrastructure;
using ApiGateway.TestKit;

namespace ApiGateway.EndToEnd.Tests.IdentityToken;

/// <summary>
/// The runbook of docs/identity-token.md on real processes, with requests flowing through the gateway to the verifying
/// sample backend the whole time: keys A (signing) and B (published) at start; swap the files so B signs; replace A
/// with C (published only), wait until the backend has fetched it, swap again so C signs. Not one request may fail.
/// </summary>
public sealed class SigningKeyRotationTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RotateTwice_FilesSwapped_NoFailedRequest()
    {
        var (a, b, c) = (GatewayWithBackend.NewPem(), GatewayWithBackend.NewPem(), GatewayWithBackend.NewPem());
        await using var stack = await GatewayWithBackend.StartAsync(a, b, Ct);
        var key = await stack.Gateway.Keys.MintAsync([GatewayWithBackend.Scope], cancellationToken: Ct);
        var outcomes = new ConcurrentQueue<(HttpStatusCode Status, string? SignedWith)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var traffic = SendUntilStoppedAsync(stack, key.Plaintext, outcomes, stop.Token);

        await WaitUntilSignedWithAsync(outcomes, GatewayWithBackend.KeyIdOf(a), traffic);

        // 1. B has been published since the start: move it first.
        GatewayWithBackend.Replace(stack.CurrentKeyFile, b);
        GatewayWithBackend.Replace(stack.NextKeyFile, a);
        await WaitUntilSignedWithAsync(outcomes, GatewayWithBackend.KeyIdOf(b), traffic);

        // 2. Drop A (its tokens have a minute to live; the backend keeps its cached copy), publish C.
        GatewayWithBackend.Replace(stack.NextKeyFile, c);
        var published = await Poll.UntilAsync(stack.PublishedKeyIdsAsync,
            kids => kids.SequenceEqual([GatewayWithBackend.KeyIdOf(b), GatewayWithBackend.KeyIdOf(c)]), StepTimeout, Ct);
        Assert.Equal([GatewayWithBackend.KeyIdOf(b), GatewayWithBackend.KeyIdOf(c)], published);

        // 3. Wait until the backend knows C (the runbook's "wait": a backend refetches the JWKS on its own schedule, here
        //    hurried along by probes signed with C sent to it directly), then move C first.
        await WaitUntilBackendTrustsAsync(stack, c);
        GatewayWithBackend.Replace(stack.CurrentKeyFile, c);
        GatewayWithBackend.Replace(stack.NextKeyFile, b);
        await WaitUntilSignedWithAsync(outcomes, GatewayWithBackend.KeyIdOf(c), traffic);
        var afterC = outcomes.Count;
        await Poll.UntilAsync(_ => Task.FromResult(outcomes.Count), n => n >= afterC + 20, StepTimeout, Ct);

        await stop.CancelAsync();
        await traffic;
        var failed = outcomes.Where(o => o.Status != HttpStatusCode.OK).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {outcomes.Count} requests failed: {string.Join(", ", failed.Take(5))}. {stack.Backend.Describe()}");
        Assert.Equal(
            [GatewayWithBackend.KeyIdOf(a), GatewayWithBackend.KeyIdOf(b), GatewayWithBackend.KeyIdOf(c)],
            outcomes.Select(o => o.SignedWith!).Distinct());
    }

    private static async Task SendUntilStoppedAsync(GatewayWithBackend stack, string key, ConcurrentQueue<(HttpStatusCode, string?)> outcomes, CancellationToken stop)
    {
        using var client = stack.Gateway.CreatePublicClient(key);
        // Bounded: a minute's worth of requests at most, whatever happens.
        for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/v1/backend/rotation", UriKind.Relative), stop);
                var caller = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<Caller>(stop) : null;
                outcomes.Enqueue((response.StatusCode, caller?.SignedWith));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static async Task WaitUntilBackendTrustsAsync(GatewayWithBackend stack, string pem)
    {
        using var client = stack.CreateBackendClient();
        var status = await Poll.UntilAsync(
            async ct =>
            {
                var now = DateTimeOffset.UtcNow;
                using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/backend/probe");
                request.Headers.TryAddWithoutValidation("X-Api-Key-Token", GatewayWithBackend.SignToken(pem, GatewayWithBackend.Audience, now, now.AddSeconds(60)));
                using var response = await client.SendAsync(request, ct);
                return response.StatusCode;
            },
            s => s == HttpStatusCode.OK, StepTimeout, Ct);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static async Task WaitUntilSignedWithAsync(ConcurrentQueue<(HttpStatusCode Status, string? SignedWith)> outcomes, string kid, Task traffic)
    {
        var seen = await Poll.UntilAsync(
            _ => Task.FromResult(traffic.IsCompleted || outcomes.Any(o => o.SignedWith == kid)),
            done => done, StepTimeout, Ct);
        await (traffic.IsFaulted ? traffic : Task.CompletedTask);
        Assert.True(seen && !traffic.IsCompleted, $"No request was signed with {kid} within {StepTimeout.TotalSeconds} s.");
    }
}
