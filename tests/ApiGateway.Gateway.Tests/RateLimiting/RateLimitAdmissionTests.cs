using System.Text.Json;
using ApiGateway.Gateway.Authentication;
using ApiGateway.Gateway.RateLimiting;
using ApiGateway.Gateway.Requests;
using ApiGateway.Keys.Model;
using ApiGateway.Keys.Storage;
using ApiGateway.Keys.Storage.Sqlite;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ApiGateway.Gateway.Tests.RateLimiting;

public sealed class RateLimitAdmissionTests
{
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    [Fact]
    public async Task AdmitAsync_Allowed_CallsNextAndSetsHeaders()
    {
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 3, 10, 23, 0, 0, TimeSpan.Zero));
        var (admit, calls) = Create(h);
        var key = RateLimitTestData.Key(tier: "free");
        var context = NewContext(key);

        await Admit(admit, context);
        await FireOnStartingAsync(context);

        Assert.Equal(1, calls());
        Assert.Equal("\"free\";q=100;w=60, \"daily\";q=10000;w=86400", context.Response.Headers["RateLimit-Policy"]);
        Assert.Equal("\"free\";r=99;t=1, \"daily\";r=9999;t=3600", context.Response.Headers["RateLimit"]);
        Assert.False(context.Features.Get<ApiKeyRequestFeature>()!.RateLimited);
    }

    [Fact]
    public async Task AdmitAsync_RateSpent_Returns429ProblemWithRetryAfterAndHeaders()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var (admit, calls) = Create(h);
        var key = RateLimitTestData.Key(rateLimit: new RateLimitOverride(2, 60));
        await Admit(admit, NewContext(key));
        await Admit(admit, NewContext(key));
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        var context = NewContext(key);

        await Admit(admit, context);
        await FireOnStartingAsync(context);

        Assert.Equal(2, calls());
        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("20", context.Response.Headers.RetryAfter);
        Assert.Equal("\"key\";q=2;w=60, \"daily\";q=10000;w=86400", context.Response.Headers["RateLimit-Policy"]);
        Assert.Equal("\"key\";r=0;t=50, \"daily\";r=9998;t=43190", context.Response.Headers["RateLimit"]);
        Assert.True(context.Features.Get<ApiKeyRequestFeature>()!.RateLimited);
        var problem = await ReadProblemAsync(context);
        Assert.Equal(("Rate limit exceeded", 429), (problem.GetProperty("title").GetString(), problem.GetProperty("status").GetInt32()));
        Assert.Equal("The key's limit of 2 requests per 60 seconds is spent.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AdmitAsync_MonthlyQuotaSpent_RetryAfterRunsToNextMonth()
    {
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 4, 30, 18, 0, 0, TimeSpan.Zero));
        var (admit, _) = Create(h);
        var key = RateLimitTestData.Key(tier: "enterprise", quota: new QuotaOverride(null, 1));
        await Admit(admit, NewContext(key));
        var context = NewContext(key);

        await Admit(admit, context);
        await FireOnStartingAsync(context);

        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal("21600", context.Response.Headers.RetryAfter);
        Assert.Equal("\"enterprise\";q=10000;w=60, \"monthly\";q=1;w=2592000", context.Response.Headers["RateLimit-Policy"]);
        Assert.Equal("\"enterprise\";r=9999;t=1, \"monthly\";r=0;t=21600", context.Response.Headers["RateLimit"]);
        Assert.Equal("The key's monthly quota of 1 units is spent.", (await ReadProblemAsync(context)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AdmitAsync_WorkspaceLimits_HeadersListKeyThenWorkspace_RefusalNamesTheWorkspace()
    {
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 3, 10, 23, 0, 0, TimeSpan.Zero));
        await h.SetWorkspaceLimitsAsync("ws_1", new WorkspaceLimitsSpec(null, new RateLimitOverride(1, 60), new QuotaOverride(5, 10)));
        var (admit, calls) = Create(h);
        var key = RateLimitTestData.Key(tier: "free");
        var first = NewContext(key);
        var second = NewContext(key);

        await Admit(admit, first);
        await FireOnStartingAsync(first);
        await Admit(admit, second);
        await FireOnStartingAsync(second);

        Assert.Equal(1, calls());
        Assert.Equal("\"free\";q=100;w=60, \"daily\";q=10000;w=86400, \"workspace\";q=1;w=60, \"workspace-daily\";q=5;w=86400, \"workspace-monthly\";q=10;w=2678400",
            first.Response.Headers["RateLimit-Policy"]);
        Assert.Equal("\"free\";r=99;t=1, \"daily\";r=9999;t=3600, \"workspace\";r=0;t=60, \"workspace-daily\";r=4;t=3600, \"workspace-monthly\";r=9;t=1818000",
            first.Response.Headers["RateLimit"]);
        Assert.Equal(429, second.Response.StatusCode);
        Assert.Equal("60", second.Response.Headers.RetryAfter);
        Assert.Equal("\"free\";r=99;t=1, \"daily\";r=9999;t=3600, \"workspace\";r=0;t=60, \"workspace-daily\";r=4;t=3600, \"workspace-monthly\";r=9;t=1818000",
            second.Response.Headers["RateLimit"]);
        Assert.Equal("The workspace's limit of 1 requests per 60 seconds, shared by all its keys, is spent.",
            (await ReadProblemAsync(second)).GetProperty("detail").GetString());
        // The policy value is built once per key and workspace policy pair: the second answer reuses the first's string.
        Assert.Same(first.Response.Headers["RateLimit-Policy"].ToString(), second.Response.Headers["RateLimit-Policy"].ToString());
    }

    [Fact]
    public async Task AdmitAsync_KeySelectedAnotherWorkspace_SpendsThatWorkspacesLimits()
    {
        await using var h = await LimiterHarness.CreateAsync();
        await h.SetWorkspaceLimitsAsync("ws_2", new WorkspaceLimitsSpec(null, null, new QuotaOverride(1, null)));
        var (admit, calls) = Create(h);
        var key = RateLimitTestData.Key(tier: "enterprise") with { Workspaces = ["ws_2"] };
        var inPrimary = NewContext(key);
        var selected = NewContext(key);
        selected.Features.Get<ApiKeyRequestFeature>()!.WorkspaceId = "ws_2";
        var selectedAgain = NewContext(key);
        selectedAgain.Features.Get<ApiKeyRequestFeature>()!.WorkspaceId = "ws_2";

        await Admit(admit, inPrimary);
        await Admit(admit, selected);
        await Admit(admit, selectedAgain);
        await FireOnStartingAsync(inPrimary);
        await FireOnStartingAsync(selectedAgain);

        Assert.Equal(2, calls());
        Assert.Equal("\"enterprise\";q=10000;w=60", inPrimary.Response.Headers["RateLimit-Policy"]);
        Assert.Equal(429, selectedAgain.Response.StatusCode);
        Assert.Equal("The workspace's daily quota of 1 units, shared by all its keys, is spent.",
            (await ReadProblemAsync(selectedAgain)).GetProperty("detail").GetString());
        Assert.Equal("\"enterprise\";q=10000;w=60, \"workspace-daily\";q=1;w=86400", selectedAgain.Response.Headers["RateLimit-Policy"]);
    }

    /// <summary>
    /// key.quota_exhausted (docs/webhooks.md): a quota refusal is recorded once per lineage and period, from any number of
    /// refusals and gateways; a rate refusal and an admitted request record nothing.
    /// </summary>
    [Fact]
    public async Task AdmitAsync_QuotaSpent_RecordedOncePerLineageAndPeriodFromEveryGateway()
    {
        await using var h = await LimiterHarness.CreateAsync(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var first = Exhaustions(h);
        var second = Exhaustions(h);
        var resolver = new RateLimitPolicyResolver(h.Options);
        var gateway1 = new RateLimitAdmission(h.Limiter, resolver, h.Workspaces, first, NullLogger<RateLimitAdmission>.Instance);
        var gateway2 = new RateLimitAdmission(h.Limiter, resolver, h.Workspaces, second, NullLogger<RateLimitAdmission>.Instance);
        var quota = RateLimitTestData.Key(tier: "enterprise", quota: new QuotaOverride(1, null));
        var rate = RateLimitTestData.Key(rateLimit: new RateLimitOverride(1, 60));
        for (var i = 0; i < 3; i++)
        {
            await Admit(gateway1, NewContext(quota), _ => Task.CompletedTask);
            await Admit(gateway2, NewContext(quota), _ => Task.CompletedTask);
            await Admit(gateway1, NewContext(rate), _ => Task.CompletedTask);
        }

        Assert.Equal(1, await first.FlushAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, await second.FlushAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await first.FlushAsync(TestContext.Current.CancellationToken));
        h.Clock.Advance(TimeSpan.FromDays(1));
        await Admit(gateway1, NewContext(quota), _ => Task.CompletedTask);
        await Admit(gateway1, NewContext(quota), _ => Task.CompletedTask);
        Assert.Equal(1, await first.FlushAsync(TestContext.Current.CancellationToken));

        await using var connection = await h.Database.OpenAsync(TestContext.Current.CancellationToken);
        var rows = (await connection.QueryAsync<(string LineageId, string Period, string KeyId)>(
            "SELECT lineage_id, period, key_id FROM quota_exhaustions ORDER BY period")).ToArray();
        Assert.Equal([(quota.LineageId, "d:2026-03-10", quota.Id), (quota.LineageId, "d:2026-03-11", quota.Id)], rows);
    }

    [Fact]
    public async Task AdmitAsync_LineageAlreadyLoaded_CompletesSynchronously()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var (admit, calls) = Create(h);
        var key = RateLimitTestData.Key();
        await Admit(admit, NewContext(key));

        var pending = Admit(admit, NewContext(key));

        Assert.True(pending.IsCompletedSuccessfully);
        Assert.Equal(2, calls());
    }

    [Fact]
    public async Task AdmitAsync_FirstUseAfterRestart_WaitsForStoredQuota()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var (admit, calls) = Create(h);
        var key = RateLimitTestData.Key(quota: new QuotaOverride(3, null));
        await h.Store.AddQuotaUsageAsync([new QuotaIncrement(key.LineageId, "d:2026-03-10", 3)], TestContext.Current.CancellationToken);
        var context = NewContext(key);

        await Admit(admit, context);

        Assert.Equal(0, calls());
        Assert.Equal(429, context.Response.StatusCode);
    }

    [Fact]
    public async Task AdmitAsync_SharedLimiterUnavailableAndTierFailsClosed_Returns503WithoutRateLimitHeaders()
    {
        await using var h = await LimiterHarness.CreateAsync();
        var calls = 0;
        var unavailable = new FixedLimiter(new RateLimitDecision(
            RateLimitRefusal.BackendUnavailable, new RateLimitPolicy("strict", 10, 60, null, null, failClosed: true), 0, TimeSpan.Zero, TimeSpan.FromSeconds(1), null, null));
        var admission = h.Admission(Exhaustions(h), unavailable);
        var context = NewContext(RateLimitTestData.Key());

        await Admit(admission, context, _ => { calls++; return Task.CompletedTask; });
        await FireOnStartingAsync(context);

        Assert.Equal(0, calls);
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter);
        Assert.False(context.Response.Headers.ContainsKey("RateLimit"));
        Assert.False(context.Features.Get<ApiKeyRequestFeature>()!.RateLimited);
        Assert.Equal("Rate limiter unavailable", (await ReadProblemAsync(context)).GetProperty("title").GetString());
    }

    private static QuotaExhaustions Exhaustions(LimiterHarness h) =>
        new(new QuotaExhaustionStore(new SqliteDialect(h.Database)), h.Clock, NullLogger<QuotaExhaustions>.Instance);

    /// <summary>A limiter that always answers <paramref name="decision"/> (the Redis limiter's fail-closed answer).</summary>
    private sealed class FixedLimiter(RateLimitDecision decision) : IKeyRateLimiter
    {
        public ValueTask<RateLimitDecision> AcquireAsync(RateLimitRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(decision);
    }

    private static (Func<HttpContext, Task> Admit, Func<int> Calls) Create(LimiterHarness h)
    {
        var calls = 0;
        var admission = h.Admission(Exhaustions(h));
        RequestDelegate next = _ => { Interlocked.Increment(ref calls); return Task.CompletedTask; };
        return (context => Admit(admission, context, next), () => Volatile.Read(ref calls));
    }

    private static Task Admit(Func<HttpContext, Task> admit, HttpContext context) => admit(context);

    /// <summary>What the key access step does once a key passed its access checks.</summary>
    private static Task Admit(RateLimitAdmission admission, HttpContext context, RequestDelegate next)
    {
        var feature = context.Features.Get<ApiKeyRequestFeature>()!;
        return admission.AdmitAsync(context, feature, feature.Key!, next);
    }

    private DefaultHttpContext NewContext(ApiKey? key)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Features.Set<IHttpResponseFeature>(new StartableResponseFeature());
        context.Response.Body = new MemoryStream();
        context.Features.Set(new ApiKeyRequestFeature { Key = key });
        return context;
    }

    private static Task FireOnStartingAsync(HttpContext context) =>
        ((StartableResponseFeature)context.Features.Get<IHttpResponseFeature>()!).FireAsync();

    private static async Task<JsonElement> ReadProblemAsync(HttpContext context)
    {
        context.Response.Body.Position = 0;
        using var document = await JsonDocument.ParseAsync(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        return document.RootElement.Clone();
    }

    /// <summary>A response feature that runs OnStarting callbacks when the test says the response starts.</summary>
    private sealed class StartableResponseFeature : HttpResponseFeature
    {
        private readonly Stack<(Func<object, Task> Callback, object State)> _onStarting = new();

        public override void OnStarting(Func<object, Task> callback, object state) => _onStarting.Push((callback, state));

        public async Task FireAsync()
        {
            while (_onStarting.TryPop(out var entry))
            {
                await entry.Callback(entry.State);
            }
        }
    }
}
