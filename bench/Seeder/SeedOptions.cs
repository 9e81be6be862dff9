using System.Globalization;

namespace ApiGateway.Bench.Seeder;

/// <summary>
/// Command line of the seeder: <c>--db PATH --count N [--plaintexts M --out FILE --scopes a:b,c:d --prefix agw --pepper P]</c>
/// and either <c>--tier NAME</c> (keys use a configured tier) or per-key overrides <c>--rate LIMIT/SECONDS --daily-quota N</c>;
/// <c>--workspace-tier NAME</c> also gives the keys' workspace (<c>ws_bench</c>) limits of its own, those of that tier.
/// </summary>
internal sealed record SeedOptions(string Database, int Count, int Plaintexts, string? OutFile, string[] Scopes, string? Tier,
    int? RateLimit, int? RatePeriodSeconds, long? DailyQuota, string Prefix, string? Pepper, string? WorkspaceTier = null)
{
    public static SeedOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{args[i]}'.");
            }
            values[args[i][2..]] = args[++i];
        }
        string? Get(string name) => values.GetValueOrDefault(name);
        int GetInt(string name, int fallback) => Get(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var tier = Get("tier");
        var rate = (Get("rate") ?? (tier is null ? "1000000/1" : null))?.Split('/');
        var daily = Get("daily-quota") ?? (tier is null ? "1000000000000" : null);
        return new SeedOptions(
            Get("db") ?? throw new ArgumentException("--db is required."),
            GetInt("count", 10_000),
            GetInt("plaintexts", 1_000),
            Get("out"),
            (Get("scopes") ?? "bench:read").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            tier,
            rate is null ? null : int.Parse(rate[0], CultureInfo.InvariantCulture),
            rate is null ? null : int.Parse(rate[1], CultureInfo.InvariantCulture),
            daily is null ? null : long.Parse(daily, CultureInfo.InvariantCulture),
            Get("prefix") ?? "agw",
            Get("pepper"),
            Get("workspace-tier"));
    }
}
