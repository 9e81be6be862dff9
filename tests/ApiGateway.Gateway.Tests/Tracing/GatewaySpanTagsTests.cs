using System.Diagnostics;
using ApiGateway.Gateway.Problems;
using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Tracing;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ApiGateway.Gateway.Tests.Tracing;

/// <summary>
/// The server span's attributes from what the pipeline recorded, one request shape at a time: the route id, the key's id,
/// mode and workspace, and one outcome (the refusal's reason first, then rate_limited, then ok). Only ids and
/// closed-set words: never a header. The spans of real requests are in GatewayTracingTests.
/// </summary>
public sealed class GatewaySpanTagsTests
{
    private static readonly ApiKey Key = new()
    {
        Id = "key_1", Name = "k", Prefix = "agw_test_abcdefg", Mode = KeyMode.Test, WorkspaceId = "ws_main",
        Scopes = ["*"], LineageId = "lin_1", CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "tests",
    };

    private static Dictionary<string, string?> Enrich(Action<ApiKeyRequestFeature>? record)
    {
        var context = new DefaultHttpContext();
        var route = new RouteModel(new RouteConfig { RouteId = "contacts", ClusterId = "main" }, cluster: null, HttpTransformer.Empty);
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(route), "contacts"));
        if (record is not null)
        {
            record(ApiKeyRequestFeature.For(context));
        }
        using var activity = new Activity("server");
        GatewaySpanTags.Enrich(activity, context.Response);
        return activity.Tags.ToDictionary(t => t.Key, t => t.Value);
    }

    [Fact]
    public void Enrich_Admitted_KeyModeWorkspaceRouteAndOk()
    {
        var tags = Enrich(f =>
        {
            f.Key = Key;
            f.WorkspaceId = "ws_other";
            f.Admitted = true;
        });

        Assert.Equal(new Dictionary<string, string?>
        {
            [GatewaySpanTags.Route] = "contacts",
            [GatewaySpanTags.KeyId] = "key_1",
            [GatewaySpanTags.Mode] = "test",
            [GatewaySpanTags.Workspace] = "ws_other",
            [GatewaySpanTags.Outcome] = GatewaySpanTags.Ok,
        }, tags);
    }

    /// <summary>A key found live and then refused (here for scope) is its key's span with the refusal's reason, not ok.</summary>
    [Fact]
    public void Enrich_RefusedAfterTheKeyWasFound_TheReasonWins()
    {
        var tags = Enrich(f =>
        {
            f.Key = Key;
            f.FailureReason = AuthFailureReasons.InsufficientScope;
        });

        Assert.Equal(AuthFailureReasons.InsufficientScope, tags[GatewaySpanTags.Outcome]);
        Assert.Equal("key_1", tags[GatewaySpanTags.KeyId]);
    }

    [Fact]
    public void Enrich_RateLimited_RateLimited()
    {
        Assert.Equal(GatewaySpanTags.RateLimited, Enrich(f =>
        {
            f.Key = Key;
            f.RateLimited = true;
        })[GatewaySpanTags.Outcome]);
    }

    [Fact]
    public void Enrich_NoCredentialAccepted_ReasonWithoutKey()
    {
        var tags = Enrich(f => f.FailureReason = AuthFailureReasons.Invalid);

        Assert.Equal(AuthFailureReasons.Invalid, tags[GatewaySpanTags.Outcome]);
        Assert.False(tags.ContainsKey(GatewaySpanTags.KeyId));
        Assert.False(tags.ContainsKey(GatewaySpanTags.Mode));
    }

    /// <summary>A request that never reached the key step (a public route, an internal endpoint) gets its route and nothing else.</summary>
    [Fact]
    public void Enrich_NoKeyStep_OnlyTheRoute()
    {
        Assert.Equal(new Dictionary<string, string?> { [GatewaySpanTags.Route] = "contacts" }, Enrich(record: null));
    }
}
