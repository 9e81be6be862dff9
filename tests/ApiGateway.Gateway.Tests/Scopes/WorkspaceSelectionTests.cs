using ApiGateway.Gateway.Scopes;
using ApiGateway.Keys.Format;
using ApiGateway.Keys.Model;
using Microsoft.AspNetCore.Http;

namespace ApiGateway.Gateway.Tests.Scopes;

public sealed class WorkspaceSelectionTests
{
    private const string Header = "X-Workspace-Id";

    private static readonly ApiKey Key = new()
    {
        Id = "key_1", Name = "k", Prefix = "agw_live_abcdefg", Mode = KeyMode.Live, WorkspaceId = "ws_main", Workspaces = ["ws_extra"],
        Scopes = ["*"], LineageId = "lin_1", CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "tests",
    };

    private static (WorkspaceSelectionStatus Status, string Workspace) Select(string? query = null, params string[] headers)
    {
        var context = new DefaultHttpContext();
        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }
        if (headers.Length > 0)
        {
            context.Request.Headers[Header] = headers;
        }
        var status = WorkspaceSelection.Select(context.Request, Header, Key, out var workspace);
        return (status, workspace);
    }

    [Fact]
    public void Select_NothingSent_ThePrimaryWorkspace()
    {
        Assert.Equal((WorkspaceSelectionStatus.Selected, "ws_main"), Select());
    }

    [Theory]
    [InlineData("?workspace_id=ws_extra")]
    [InlineData("?workspace.id=ws_extra")]
    [InlineData("?workspace_id[]=ws_extra")]
    [InlineData("?workspace_id=ws_extra&workspace_id=ws_extra")]
    public void Select_QueryInAnySpelling_TheHeldWorkspace(string query)
    {
        Assert.Equal((WorkspaceSelectionStatus.Selected, "ws_extra"), Select(query));
    }

    [Fact]
    public void Select_HeaderRepeatedOrCommaJoinedAndAgreeing_Selected()
    {
        Assert.Equal((WorkspaceSelectionStatus.Selected, "ws_extra"), Select("?workspace_id=ws_extra", "ws_extra, ws_extra", "ws_extra"));
    }

    [Theory]
    [InlineData("?workspace_id=ws_main", "ws_extra")]
    [InlineData("?workspace_id=ws_main&workspace.id=ws_extra", null)]
    [InlineData(null, "ws_main,ws_extra")]
    public void Select_SourcesDisagree_Ambiguous(string? query, string? header)
    {
        var (status, workspace) = header is null ? Select(query) : Select(query, header);

        Assert.Equal(WorkspaceSelectionStatus.Ambiguous, status);
        Assert.Equal("ws_main", workspace); // never the selection
    }

    [Fact]
    public void Select_WorkspaceTheKeyDoesNotHold_NotHeldAndPrimaryKept()
    {
        Assert.Equal((WorkspaceSelectionStatus.NotHeld, "ws_main"), Select(null, "ws_other"));
    }

    [Fact]
    public void Select_CaseDiffers_NotTheSameWorkspace()
    {
        Assert.Equal(WorkspaceSelectionStatus.NotHeld, Select("?workspace_id=WS_EXTRA").Status);
    }
}
