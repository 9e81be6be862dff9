using ApiGateway.Gateway.Metrics;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Tests.Metrics;

public sealed class KeyIdLabelsTests
{
    private static KeyIdLabels Create(int max) => new(Options.Create(new MetricsOptions { MaxKeyLabels = max }));

    [Fact]
    public void Label_NoKey_ReturnsNone() => Assert.Equal("none", Create(10).Label(null));

    [Fact]
    public void Label_2000KeysWithCap1000_First1000KeepTheirIdRestAreOther()
    {
        var labels = Create(1000);
        var ids = Enumerable.Range(0, 2000).Select(i => $"key_{i:D22}").ToList();

        var given = ids.Select(labels.Label).ToList();

        Assert.Equal(ids.Take(1000), given.Take(1000));
        Assert.All(given.Skip(1000), label => Assert.Equal("other", label));
        Assert.Equal(1000, labels.Count);
        // Admitted keys keep their label after the cap is reached; refused ones stay "other".
        Assert.Equal(ids[0], labels.Label(ids[0]));
        Assert.Equal("other", labels.Label(ids[1500]));
    }

    [Fact]
    public async Task Label_ConcurrentDistinctKeys_AdmitsExactlyTheCap()
    {
        var labels = Create(1000);
        var ids = Enumerable.Range(0, 4000).Select(i => $"key_{i:D22}").ToArray();

        await Parallel.ForEachAsync(Enumerable.Range(0, 8), TestContext.Current.CancellationToken, (worker, _) =>
        {
            for (var i = worker; i < ids.Length * 2; i += 8)
            {
                labels.Label(ids[i % ids.Length]);
            }
            return ValueTask.CompletedTask;
        });

        Assert.Equal(1000, labels.Count);
        Assert.Equal(1000, ids.Count(id => labels.Label(id) == id));
    }

    [Fact]
    public void Label_AdmittedKey_ReturnsSameInstance()
    {
        var labels = Create(10);
        var first = labels.Label("key_a");
        Assert.Same(first, labels.Label(new string("key_a".AsSpan())));
    }
}
