using System.Net;
using System.Text.Json;
using ApiGateway.Keys.Scopes;

namespace ApiGateway.Gateway.ForwardAuth;

/// <summary>
/// The body of <c>POST /v1/verify</c> (docs/forward-auth.md): <c>key</c> (required), <c>scopes</c> (all required),
/// <c>workspaceId</c> (selection), <c>cost</c> (1–1000, default 1) and <c>ip</c> (the client address for allow-lists).
/// Read by hand from a <see cref="JsonDocument"/> so that every shape error is a 400 naming the field, never an exception.
/// </summary>
internal sealed record VerifyRequest(string Key, IReadOnlyList<string> Scopes, string? WorkspaceId, int Cost, IPAddress? Ip)
{
    public const int MaxCost = 1000;

    /// <summary>The request, or null with <paramref name="error"/> naming what is wrong (never echoing the key).</summary>
    public static VerifyRequest? TryParse(ReadOnlyMemory<byte> body, out string? error)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            error = "The body is not JSON.";
            return null;
        }
        using (document)
        {
            return Read(document.RootElement, out error);
        }
    }

    private static VerifyRequest? Read(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The body must be a JSON object.";
            return null;
        }
        if (RepeatedField(root) is { } repeated)
        {
            // JsonDocument keeps every copy and TryGetProperty returns the last: {"key":"x","key":"<valid>"} would be read
            // as the second key by this parser and as the first by another one in front of it.
            error = $"'{repeated}' appears more than once.";
            return null;
        }
        if (!root.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String)
        {
            error = "'key' must be a string.";
            return null;
        }
        var scopes = new List<string>();
        if (root.TryGetProperty("scopes", out var scopesElement) && scopesElement.ValueKind != JsonValueKind.Null)
        {
            if (scopesElement.ValueKind != JsonValueKind.Array)
            {
                error = "'scopes' must be an array of scopes.";
                return null;
            }
            foreach (var item in scopesElement.EnumerateArray())
            {
                // A wildcard or an ill-formed name asks nothing a key could be checked for.
                if (item.ValueKind != JsonValueKind.String || !ScopeGrammar.IsConcrete(item.GetString()))
                {
                    error = "'scopes' must hold lowercase 'resource:action' scopes.";
                    return null;
                }
                scopes.Add(item.GetString()!);
            }
        }
        string? workspaceId = null;
        if (root.TryGetProperty("workspaceId", out var workspaceElement) && workspaceElement.ValueKind != JsonValueKind.Null)
        {
            workspaceId = workspaceElement.ValueKind == JsonValueKind.String ? workspaceElement.GetString() : null;
            if (string.IsNullOrEmpty(workspaceId))
            {
                error = "'workspaceId' must be a non-empty string.";
                return null;
            }
        }
        var cost = 1;
        if (root.TryGetProperty("cost", out var costElement) && costElement.ValueKind != JsonValueKind.Null
            && (costElement.ValueKind != JsonValueKind.Number || !costElement.TryGetInt32(out cost) || cost is < 1 or > MaxCost))
        {
            error = $"'cost' must be an integer from 1 to {MaxCost}.";
            return null;
        }
        IPAddress? ip = null;
        if (root.TryGetProperty("ip", out var ipElement) && ipElement.ValueKind != JsonValueKind.Null
            && (ipElement.ValueKind != JsonValueKind.String || !IPAddress.TryParse(ipElement.GetString(), out ip)))
        {
            error = "'ip' must be an IPv4 or IPv6 address.";
            return null;
        }
        return new VerifyRequest(keyElement.GetString()!, scopes, workspaceId, cost, ip);
    }

    private static readonly string[] Fields = ["key", "scopes", "workspaceId", "cost", "ip"];

    /// <summary>The first documented field that the object holds more than once (unknown fields are ignored, repeated or not).</summary>
    private static string? RepeatedField(JsonElement root)
    {
        Span<int> seen = stackalloc int[Fields.Length];
        foreach (var property in root.EnumerateObject())
        {
            var index = Array.IndexOf(Fields, property.Name);
            if (index >= 0 && ++seen[index] > 1)
            {
                return Fields[index];
            }
        }
        return null;
    }
}
