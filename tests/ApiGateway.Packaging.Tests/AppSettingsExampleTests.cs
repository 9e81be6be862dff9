using System.Collections;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace ApiGateway.Packaging.Tests;

/// <summary>
/// appsettings.example.json documents every setting: the contract's, and every property of every options class the
/// gateway, the admin API and the key store bind (types named *Options with a SectionName). A new option without an
/// example entry (and its one-line '//' comment) fails here; so does an example default that drifted from the code.
/// </summary>
public sealed class AppSettingsExampleTests
{
    private const string ExamplePath = "appsettings.example.json";

    private static readonly Assembly[] Assemblies =
    [
        typeof(ApiGateway.Gateway.Metrics.MetricsOptions).Assembly,
        typeof(ApiGateway.AdminApi.Bootstrap.AdminOptions).Assembly,
        typeof(ApiGateway.Keys.KeysOptions).Assembly,
    ];

    /// <summary>Bound properties that live elsewhere in configuration.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        // Filled from ConnectionStrings:KeyStore (AddKeyStore), the contract's name for it.
        ["KeyStore:ConnectionString"] = "ConnectionStrings:KeyStore",
    };

    /// <summary>Public settable properties that are not settings, with the reason.</summary>
    private static readonly Dictionary<string, string> NotSettings = new(StringComparer.Ordinal)
    {
        ["Gateway:TrustedProxyNetworks"] = "parsed from Gateway:TrustedProxies by GatewayOptionsSetup",
    };

    [Fact]
    public void Example_IsStrictJsonAndLoadsAsConfiguration()
    {
        using var document = JsonDocument.Parse(Repository.Read(ExamplePath));
        var configuration = new ConfigurationBuilder().AddJsonFile(Repository.PathOf(ExamplePath), optional: false).Build();

        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        Assert.Equal("agw", configuration["Keys:Prefix"]);
        Assert.Equal("http://127.0.0.1:9091", configuration["Gateway:InternalUrl"]);
    }

    [Fact]
    public void Example_EveryEntry_HasAOneLineComment()
    {
        using var document = JsonDocument.Parse(Repository.Read(ExamplePath));
        var problems = new List<string>();
        CheckComments(document.RootElement, "", problems);

        Assert.Empty(problems);
    }

    [Fact]
    public void Example_EveryContractSetting_Present()
    {
        using var document = JsonDocument.Parse(Repository.Read(ExamplePath));

        var missing = Contract.Settings.Where(s => s != "ASPNETCORE_URLS")
            .Select(s => s.Replace("__", ":", StringComparison.Ordinal))
            .Where(path => Find(document.RootElement, path) is null)
            .ToList();

        Assert.Empty(missing);
    }

    [Fact]
    public void OptionsClasses_Found()
    {
        var sections = OptionsTypes().Select(t => SectionName(t)).ToHashSet(StringComparer.Ordinal);

        // A guard against the reflection silently finding nothing.
        Assert.Superset(new HashSet<string> { "Keys", "KeyStore", "Gateway", "Auth", "Metrics", "Usage", "Admin", "RateLimits" }, sections);
    }

    [Fact]
    public void OptionsClasses_EveryBoundProperty_HasAnExampleEntry()
    {
        using var document = JsonDocument.Parse(Repository.Read(ExamplePath));
        var problems = new List<string>();

        foreach (var type in OptionsTypes())
        {
            CheckType(document.RootElement, type, SectionName(type), problems);
        }

        Assert.True(problems.Count == 0, "appsettings.example.json lacks (add the entry with its default and a '//' comment):\n" + string.Join("\n", problems));
    }

    [Fact]
    public void OptionsClasses_ExampleScalarValues_AreTheCodeDefaults()
    {
        using var document = JsonDocument.Parse(Repository.Read(ExamplePath));
        var problems = new List<string>();

        foreach (var type in OptionsTypes())
        {
            var instance = Activator.CreateInstance(type, nonPublic: true)!;
            foreach (var property in BoundProperties(type).Where(p => IsLeaf(p.PropertyType)))
            {
                var path = PathOf(SectionName(type), property.Name);
                if (NotSettings.ContainsKey(path) || Find(document.RootElement, path) is not { } example)
                {
                    continue;
                }
                var expected = JsonSerializer.Serialize(property.GetValue(instance), property.PropertyType);
                var actual = JsonSerializer.Serialize(example);
                if (!string.Equals(expected, actual, StringComparison.Ordinal))
                {
                    problems.Add($"{path}: example {actual}, code default {expected} ({type.FullName})");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static IEnumerable<Type> OptionsTypes() =>
        Assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Options", StringComparison.Ordinal) && SectionField(t) is not null);

    private static FieldInfo? SectionField(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static);

    private static string SectionName(Type type) => (string)SectionField(type)!.GetValue(null)!;

    private static string PathOf(string section, string property)
    {
        var path = $"{section}:{property}";
        return Aliases.GetValueOrDefault(path, path);
    }

    /// <summary>What ConfigurationBinder fills: public settable properties, and get-only collections it adds to.</summary>
    private static IEnumerable<PropertyInfo> BoundProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Where(p => p.SetMethod is { IsPublic: true } || (p.SetMethod is null && IsCollection(p.PropertyType)));

    private static void CheckType(JsonElement root, Type type, string section, List<string> problems)
    {
        foreach (var property in BoundProperties(type))
        {
            var path = section.Length == 0 ? property.Name : PathOf(section, property.Name);
            if (NotSettings.ContainsKey(path))
            {
                continue;
            }
            if (Find(root, path) is not { } element)
            {
                problems.Add($"{path} ({type.FullName}.{property.Name})");
                continue;
            }
            if (IsLeaf(property.PropertyType))
            {
                continue;
            }
            if (DictionaryValueType(property.PropertyType) is { } valueType)
            {
                var entries = element.EnumerateObject().Where(e => !e.Name.StartsWith("//", StringComparison.Ordinal)).ToList();
                if (entries.Count == 0)
                {
                    problems.Add($"{path} needs at least one example entry");
                }
                foreach (var entry in entries.Where(_ => !IsLeaf(valueType)))
                {
                    CheckType(root, valueType, $"{path}:{entry.Name}", problems);
                }
                continue;
            }
            CheckType(root, property.PropertyType, path, problems);
        }
    }

    private static void CheckComments(JsonElement element, string path, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var names = element.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            if (name == "//")
            {
                continue;
            }
            if (name.StartsWith("//", StringComparison.Ordinal))
            {
                if (!names.Contains(name[2..]))
                {
                    problems.Add($"{path}{name} documents nothing");
                }
                var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                if (string.IsNullOrWhiteSpace(text) || text.Contains('\n', StringComparison.Ordinal))
                {
                    problems.Add($"{path}{name} must be one line of text");
                }
                continue;
            }
            if (!names.Contains("//" + name))
            {
                problems.Add($"{path}{name} has no '//{name}' comment");
            }
            CheckComments(property.Value, $"{path}{name}:", problems);
        }
    }

    private static JsonElement? Find(JsonElement root, string path)
    {
        var current = root;
        foreach (var segment in path.Split(':'))
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var match = current.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, segment, StringComparison.OrdinalIgnoreCase));
            if (match.Value.ValueKind == JsonValueKind.Undefined)
            {
                return null;
            }
            current = match.Value;
        }
        return current;
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(Uri) || type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return true;
        }
        if (DictionaryValueType(type) is not null)
        {
            return false;
        }
        return IsCollection(type) && ElementType(type) is { } element && IsLeaf(element);
    }

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments()[1];
}
