using System.Buffers.Text;
using System.Globalization;
using System.Text;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary>
/// The opaque <c>cursor</c> of keyset paging: base64url of the position after which the next page starts (a key's
/// created time and id, or an audit event id). Clients only pass back a <c>nextCursor</c> they were given.
/// </summary>
internal static class PageCursor
{
    private const string Invalid = "cursor must be the nextCursor of a previous page of this list.";

    public static string? From(KeyCursor? position) =>
        position is null ? null : Encode(string.Create(CultureInfo.InvariantCulture, $"k.{position.CreatedAtMs}.{position.Id}"));

    public static string? From(long? beforeId) =>
        beforeId is null ? null : Encode(string.Create(CultureInfo.InvariantCulture, $"a.{beforeId}"));

    public static string? FromWorkspace(string? workspaceId) =>
        workspaceId is null ? null : Encode("w." + workspaceId);

    /// <summary>The workspace id a <c>GET /v1/workspaces/limits</c> page ended at.</summary>
    public static string? ReadWorkspace(string? cursor, int? offset, ValidationErrors errors)
    {
        if (!Check(cursor, offset, errors))
        {
            return null;
        }
        if (Decode(cursor!) is { } position && position.StartsWith("w.", StringComparison.Ordinal) && KeyFieldRules.IsWorkspaceId(position[2..]))
        {
            return position[2..];
        }
        errors.Add("cursor", Invalid);
        return null;
    }

    public static KeyCursor? ReadKey(string? cursor, int? offset, ValidationErrors errors)
    {
        if (!Check(cursor, offset, errors))
        {
            return null;
        }
        var parts = Decode(cursor!)?.Split('.');
        if (parts is ["k", var at, var id] && long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var createdAtMs) && Ids.LooksLike(id, "key"))
        {
            return new KeyCursor(createdAtMs, id);
        }
        errors.Add("cursor", Invalid);
        return null;
    }

    public static long? ReadAudit(string? cursor, int? offset, ValidationErrors errors)
    {
        if (!Check(cursor, offset, errors))
        {
            return null;
        }
        var parts = Decode(cursor!)?.Split('.');
        if (parts is ["a", var id] && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var beforeId) && beforeId > 0)
        {
            return beforeId;
        }
        errors.Add("cursor", Invalid);
        return null;
    }

    /// <summary>True when a cursor was given and may be used: offset and cursor are two ways to say where a page starts.</summary>
    private static bool Check(string? cursor, int? offset, ValidationErrors errors)
    {
        if (cursor is null)
        {
            return false;
        }
        if (offset is not null)
        {
            errors.Add("cursor", "Give offset or cursor, not both.");
            return false;
        }
        return true;
    }

    private static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    private static string? Decode(string cursor)
    {
        if (cursor.Length is 0 or > 200 || !Base64Url.IsValid(cursor))
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
