using ApiGateway.Gateway.Requests;
using ApiGateway.Gateway.Transforms;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;

namespace ApiGateway.Gateway.Tests.Transforms;

public sealed class IdentityHeadersTests
{
    private static readonly ApiKey Key = new()
    {
        Id = "key_1", Name = "k", Prefix = "agw_test_abcdefg", Mode = KeyMode.Test, WorkspaceId = "ws_main", Workspaces = ["ws_extra"],
        Scopes = ["*"], LineageId = "lin_1", CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "tests",
    };

    private static List<(string Name, string Value)> Headers(ApiKeyRequestFeature feature, ApiKey key)
    {
        var sent = new List<(string, string)>();
        IdentityHeaders.Add(sent, "X-Tenant", feature, key, static (list, name, value) => list.Add((name, value)));
        return sent;
    }

    [Fact]
    public void Add_KeyWithoutOwner_WorkspaceIdAndModeInTheConfiguredHeader()
    {
        Assert.Equal(
            [("X-Tenant", "ws_main"), ("X-Api-Key-Id", "key_1"), ("X-Api-Key-Mode", "test")],
            Headers(new ApiKeyRequestFeature(), Key));
    }

    [Fact]
    public void Add_SelectedWorkspaceAndOwner_TheSelectionAndTheOwner()
    {
        var headers = Headers(new ApiKeyRequestFeature { WorkspaceId = "ws_extra" }, Key with { Owner = "alice" });

        Assert.Contains(("X-Tenant", "ws_extra"), headers);
        Assert.Contains(("X-Api-Key-Owner", "alice"), headers);
    }

    [Fact]
    public void Add_StoredValuesOutsideVisibleAscii_SentPercentEncoded()
    {
        var headers = Headers(new ApiKeyRequestFeature(), Key with { Owner = "josé", WorkspaceId = "ws one" });

        Assert.Contains(("X-Tenant", "ws%20one"), headers);
        Assert.Contains(("X-Api-Key-Owner", "jos%C3%A9"), headers);
    }

    [Fact]
    public void Add_EmptyOwner_NoOwnerHeader()
    {
        Assert.DoesNotContain(Headers(new ApiKeyRequestFeature(), Key with { Owner = "" }), h => h.Name == "X-Api-Key-Owner");
    }
}
