using System.Text.Json;
using System.Text.RegularExpressions;

namespace ApiGateway.Packaging.Tests;

/// <summary>The provisioned dashboard: valid JSON, the panels the operators asked for, only the contract's metric names.</summary>
public sealed partial class GrafanaDashboardTests
{
    private const string DashboardPath = "config/grafana/dashboards/api-gateway.json";

    // PromQL words that are not metric names (functions, aggregations, keywords) and Grafana's own helpers.
    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "sum", "avg", "min", "max", "count", "topk", "bottomk", "by", "without", "rate", "irate", "increase",
        "histogram_quantile", "clamp_min", "clamp_max", "label_values", "or", "and", "unless", "on", "ignoring", "vector", "offset",
    };

    [Fact]
    public void Dashboard_ParsesWithUidAndPanels()
    {
        using var dashboard = JsonDocument.Parse(Repository.Read(DashboardPath));

        Assert.Equal("api-gateway", dashboard.RootElement.GetProperty("uid").GetString());
        Assert.True(dashboard.RootElement.GetProperty("panels").GetArrayLength() >= 5);
    }

    [Theory]
    [InlineData("Requests per key", "gateway_requests_total", "key_id")]
    [InlineData("429s per key", "gateway_rate_limited_total", "key_id")]
    [InlineData("Auth failures by reason", "gateway_auth_failures_total", "reason")]
    [InlineData("Latency p50 / p99 by route", "gateway_request_duration_seconds_bucket", "route")]
    [InlineData("Upstream errors by route", "gateway_requests_total", "route")]
    [InlineData("Shadow routes: decisions that would change", "gateway_shadow_decisions_total", "route")]
    public void Panel_Required_QueriesItsMetricByItsLabel(string title, string metric, string groupedBy)
    {
        var panel = Panels().Single(p => p.GetProperty("title").GetString() == title);
        var expressions = Expressions(panel).ToList();

        Assert.NotEmpty(expressions);
        Assert.All(expressions, e => Assert.Contains(metric, e, StringComparison.Ordinal));
        Assert.All(expressions, e => Assert.Matches($@"by \(([a-z_]+, )*{groupedBy}(, [a-z_]+)*\)", e));
    }

    [Fact]
    public void Panel_Latency_HasP50AndP99()
    {
        var panel = Panels().Single(p => p.GetProperty("title").GetString()!.StartsWith("Latency", StringComparison.Ordinal));
        var expressions = Expressions(panel).ToList();

        Assert.Contains(expressions, e => e.StartsWith("histogram_quantile(0.5,", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.StartsWith("histogram_quantile(0.99,", StringComparison.Ordinal));
    }

    [Fact]
    public void Queries_UseOnlyContractMetricNamesAndLabels()
    {
        using var dashboard = JsonDocument.Parse(Repository.Read(DashboardPath));
        var queries = Panels().SelectMany(Expressions)
            .Concat(dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().Select(v => v.GetProperty("definition").GetString()!))
            .ToList();

        foreach (var query in queries)
        {
            foreach (Match matcher in LabelMatchers().Matches(query))
            {
                var metric = matcher.Groups["metric"].Value;
                Assert.True(Contract.Metrics.TryGetValue(metric, out var labels), $"'{metric}' is not a contract metric ({query})");
                foreach (Match label in LabelName().Matches(matcher.Groups["labels"].Value))
                {
                    Assert.Contains(label.Groups[1].Value, labels);
                }
            }
            foreach (Match grouping in Grouping().Matches(query))
            {
                Assert.All(grouping.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries),
                    label => Assert.Contains(label, Contract.Metrics.Values.SelectMany(l => l).Append("le")));
            }
            // Whatever is left once strings, label sets, ranges and numbers are gone is a function or a metric name.
            var bare = Noise().Replace(query, " ");
            foreach (Match word in Identifier().Matches(bare))
            {
                var name = word.Value;
                Assert.True(PromQlWords.Contains(name) || Contract.Metrics.ContainsKey(name)
                    || Contract.Metrics.Values.Any(labels => labels.Contains(name)), $"'{name}' in '{query}' is neither PromQL nor a contract metric or label");
            }
        }
    }

    [Fact]
    public void Datasource_EveryPanelUsesTheProvisionedPrometheus()
    {
        var provisioned = Repository.Yaml("config/grafana/provisioning/datasources/prometheus.yml");
        var datasource = Assert.Single(provisioned.Seq("datasources").Children);
        Assert.Equal("prometheus", datasource.Text("type"));
        Assert.Equal("http://prometheus:9090", datasource.Text("url"));
        var uid = datasource.Text("uid");

        Assert.All(Panels(), panel =>
        {
            Assert.Equal(uid, panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.All(panel.GetProperty("targets").EnumerateArray(), t => Assert.Equal(uid, t.GetProperty("datasource").GetProperty("uid").GetString()));
        });
    }

    private static List<JsonElement> Panels()
    {
        using var dashboard = JsonDocument.Parse(Repository.Read(DashboardPath));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray().Select(p => p.Clone())];
    }

    private static IEnumerable<string> Expressions(JsonElement panel) =>
        panel.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!);

    [GeneratedRegex(@"(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"\b(?:by|without)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"""[^""]*""|\{[^}]*\}|\[[^\]]*\]|\b(?:by|without)\s*\([^)]*\)|\b\d+(\.\d+)?\b")]
    private static partial Regex Noise();

    [GeneratedRegex(@"[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
