using System.Globalization;

namespace ApiGateway.Bench.Seeder;

/// <summary>Command line of the seeder: <c>--db PATH --count N [--plaintexts M --out FILE --scopes a:b,c:d --rate LIMIT/SECONDS --daily-quota N --prefix agw --pepper P]</c>.</summary>
internal sealed record SeedOptions(string Database, int Count, int Plaintexts, string? OutFile, string[] Scopes, int RateLimit, int RatePeriodSeconds, long DailyQuota, string Prefix, string? Pepper)
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

        var rate = (Get("rate") ?? "1000000/1").Split('/');
        return new SeedOptions(
            Get("db") ?? throw new ArgumentException("--db is required."),
            GetInt("count", 10_000),
            GetInt("plaintexts", 1_000),
            Get("out"),
            (Get("scopes") ?? "bench:read").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            int.Parse(rate[0], CultureInfo.InvariantCulture),
            int.Parse(rate[1], CultureInfo.InvariantCulture),
            long.Parse(Get("daily-quota") ?? "1000000000000", CultureInfo.InvariantCulture),
            Get("prefix") ?? "agw",
            Get("pepper"));
    }
}
