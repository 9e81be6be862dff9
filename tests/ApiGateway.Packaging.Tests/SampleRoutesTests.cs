using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ApiGateway.Keys.Scopes;

namespace ApiGateway.Packaging.Tests;

/// <summary>
/// Every route we ship or show (config/routes*.json and the JSON examples in README.md and docs/) is safe to copy:
/// each method that writes needs a <c>:write</c> scope, so a read-only key can never PUT, PATCH, POST or DELETE
/// through a route someone copied from us (docs/security.md "Sample routes").
/// </summary>
public sealed partial class SampleRoutesTests
{
    private static readonly string[] ReadMethods = ["GET", "HEAD", "OPTIONS"];
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    public static TheoryData<string> Sources() =>
        new(["config/routes.json", "config/routes.compose.json", "README.md",
            .. Directory.GetFiles(Repository.PathOf("docs"), "*.md").Select(f => Path.GetRelativePath(Repository.Root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]);

    [Theory]
    [MemberData(nameof(Sources))]
    public void EveryWriteMethod_OfEverySampleRoute_NeedsAWriteScope(string source)
    {
        var routes = RoutesIn(source);
        var unsafeMethods = new List<string>();
        foreach (var (name, route) in routes)
        {
            var policy = RouteScopePolicy.Parse(Metadata(route), out var problems);
            Assert.True(problems.Count == 0, $"{source}: route '{name}': {string.Join("; ", problems)}");
            if (policy.IsPublic)
            {
                continue;
            }
            foreach (var method in MethodsReaching(route).Except(ReadMethods, StringComparer.OrdinalIgnoreCase))
            {
                // null: the route maps the method to no scope, so the gateway refuses it for every key (safe).
                if (policy.RequiredFor(method) is { } required && !required.Any(s => s.EndsWith(":write", StringComparison.Ordinal)))
                {
                    unsafeMethods.Add($"route '{name}': {method} needs only {string.Join(", ", required)}");
                }
            }
        }

        Assert.True(unsafeMethods.Count == 0, $"{source}: {string.Join("; ", unsafeMethods)}");
    }

    [Fact]
    public void Sources_HoldTheRoutesTheyShow()
    {
        // The check above cannot pass by finding nothing: each place that shows routes yields them.
        Assert.Contains("invoices", RoutesIn("config/routes.json").Select(r => r.Name));
        Assert.Contains("invoices", RoutesIn("config/routes.compose.json").Select(r => r.Name));
        Assert.Contains("invoices", RoutesIn("README.md").Select(r => r.Name));
        Assert.Contains("invoices", RoutesIn("docs/gateway.md").Select(r => r.Name));
    }

    [Fact]
    public void Check_CatchesTheReadScopeCatchAll()
    {
        // The shape the sample once had: "Scopes" (every method) read, with a write override for POST only.
        var policy = RouteScopePolicy.Parse(new Dictionary<string, string> { ["Scopes"] = "invoices:read", ["Scopes.POST"] = "invoices:write" }, out _);

        Assert.Equal(["invoices:read"], policy.RequiredFor("PUT"));
    }

    /// <summary>The methods that can reach the route: its <c>Match.Methods</c>, else the standard ones.</summary>
    private static IEnumerable<string> MethodsReaching(JsonObject route) =>
        route["Match"]?["Methods"] is JsonArray methods ? methods.Select(m => m!.GetValue<string>()) : [.. ReadMethods, .. WriteMethods];

    private static Dictionary<string, string> Metadata(JsonObject route) =>
        route["Metadata"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);

    private static List<(string Name, JsonObject Route)> RoutesIn(string source)
    {
        var text = Repository.Read(source);
        var documents = source.EndsWith(".json", StringComparison.Ordinal) ? [text] : JsonBlock().Matches(text).Select(m => m.Groups[1].Value);
        var routes = new List<(string, JsonObject)>();
        foreach (var document in documents.Where(d => d.Contains("\"Metadata\"", StringComparison.Ordinal)))
        {
            Collect(Parse(document), routes);
        }
        return routes;
    }

    /// <summary>A whole file, or a fragment of route entries as README.md shows them (wrapped in braces to parse).</summary>
    private static JsonNode Parse(string document)
    {
        var options = new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true };
        var trimmed = document.Trim();
        return JsonNode.Parse(trimmed.StartsWith('{') ? trimmed : "{" + trimmed + "}", documentOptions: options)!;
    }

    private static void Collect(JsonNode? node, List<(string, JsonObject)> routes)
    {
        if (node is not JsonObject obj)
        {
            return;
        }
        foreach (var (name, value) in obj)
        {
            if (value is JsonObject child && child.ContainsKey("Metadata") && child.ContainsKey("Match"))
            {
                routes.Add((name, child));
            }
            else
            {
                Collect(value, routes);
            }
        }
    }

    [GeneratedRegex(@"```jsonc?\s*\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
