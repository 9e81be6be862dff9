using System.Reflection;
using Microsoft.Extensions.Logging;

namespace ApiGateway.Gateway.Tests;

/// <summary>One event id scheme for the gateway process (issue 17.4): an id names one event, whatever its category.</summary>
public sealed class EventIdsTests
{
    private static readonly Assembly Gateway = typeof(EventIds).Assembly;

    [Fact]
    public void LoggerMessages_EveryIdIsDeclaredInEventIdsAndUsedOnce()
    {
        var declared = typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToDictionary(f => (int)f.GetRawConstantValue()!, f => f.Name);
        var used = Gateway.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.NotEmpty(used);
        Assert.All(used, m => Assert.True(declared.TryGetValue(m.Attribute!.EventId, out var name) && name == m.Attribute.EventName,
            $"{m.Method} logs event {m.Attribute!.EventId} '{m.Attribute.EventName}', which EventIds does not declare under that name"));
        var repeated = used.GroupBy(m => m.Attribute!.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}");
        Assert.Empty(repeated);
    }

    [Fact]
    public void EventIds_AreDistinct()
    {
        var values = typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!).ToList();

        Assert.Equal(values.Count, values.Distinct().Count());
    }
}
