using ApiGateway.Gateway.Proxy;
using ApiGateway.Keys.Model;
using Microsoft.Extensions.Primitives;

namespace ApiGateway.Gateway.Scopes;

internal enum WorkspaceSelectionStatus
{
    Selected,
    /// <summary>Header and query (or repeats of either) name different workspaces: 400.</summary>
    Ambiguous,
    /// <summary>The key does not hold the selected workspace: 403.</summary>
    NotHeld,
}

/// <summary>
/// Picks the workspace a request acts in: the <c>Gateway:WorkspaceHeader</c> header or the <c>workspace_id</c> query
/// parameter in any spelling an upstream reads as it (<see cref="QueryParameterNames"/>), else the key's primary
/// workspace. Repeated or comma-joined values, and every spelling, count as one selection when they agree.
/// </summary>
internal static class WorkspaceSelection
{
    public const string QueryParameter = "workspace_id";

    public static WorkspaceSelectionStatus Select(HttpRequest request, string headerName, ApiKey key, out string workspaceId)
    {
        workspaceId = key.WorkspaceId;
        string? selected = null;
        // The query's parameters as the most lenient upstream reads their names (QueryParameterNames): workspace.id,
        // workspace_id[], a=1;workspace_id=, workspace_id%00 and %20workspace_id all count, and all of them must agree.
        if (!Collect(request.Headers[headerName], ref selected, splitCommas: true)
            || (request.QueryString.HasValue
                && !Collect(QueryParameterNames.Values(request.QueryString.Value, QueryParameter), ref selected, splitCommas: false)))
        {
            return WorkspaceSelectionStatus.Ambiguous;
        }
        if (selected is null)
        {
            return WorkspaceSelectionStatus.Selected;
        }
        if (!key.HoldsWorkspace(selected))
        {
            return WorkspaceSelectionStatus.NotHeld;
        }
        workspaceId = selected;
        return WorkspaceSelectionStatus.Selected;
    }

    private static bool Collect(StringValues values, ref string? selected, bool splitCommas)
    {
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }
            var parts = splitCommas ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [value.Trim()];
            foreach (var part in parts)
            {
                if (part.Length == 0)
                {
                    continue;
                }
                if (selected is null)
                {
                    selected = part;
                }
                else if (!string.Equals(selected, part, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
