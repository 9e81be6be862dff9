using System.Globalization;
using System.Text.RegularExpressions;
using Prometheus;

namespace ApiGateway.Gateway.Tests.Metrics;

/// <summary>One parsed sample of the Prometheus text format: metric name, labels and value.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.TryGetValue(label, out var value) ? value : null;
}

/// <summary>Parses the Prometheus text exposition format, the way a scraper sees it.</summary>
public static partial class MetricsText
{
    public static async Task<IReadOnlyList<MetricSample>> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream, TestContext.Current.CancellationToken);
        return Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Unparsable metrics line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
            samples.Add(new MetricSample(match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
        return samples;
    }

    /// <summary>The samples of one metric, keyed by the given label values joined with '|'.</summary>
    public static Dictionary<string, double> Series(this IEnumerable<MetricSample> samples, string name, params string[] labels) =>
        samples.Where(s => s.Name == name)
            .ToDictionary(s => string.Join('|', labels.Select(l => s[l] ?? "")), s => s.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\S+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
