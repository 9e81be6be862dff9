using ApiGateway.Gateway.Authentication;

namespace ApiGateway.Gateway.Tests.Authentication;

public sealed class InterlockedMaxTests
{
    [Fact]
    public void Advance_SmallerOrEqualValue_LeavesTheFieldAlone()
    {
        long field = 10;

        InterlockedMax.Advance(ref field, 3);
        InterlockedMax.Advance(ref field, 10);

        Assert.Equal(10, field);
    }

    [Fact]
    public void Advance_LargerValue_MovesTheFieldForward()
    {
        long field = long.MinValue;

        InterlockedMax.Advance(ref field, -5);
        InterlockedMax.Advance(ref field, 42);

        Assert.Equal(42, field);
    }

    [Fact]
    public async Task Advance_ManyThreadsRacing_NeverGoesBackAndEndsAtTheLargestValueOffered()
    {
        long field = 0;
        var ct = TestContext.Current.CancellationToken;
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            start.Wait(ct);
            // Rising and falling values interleaved: a plain "read, compare, write" would let a smaller one win.
            for (var i = 0; i < 100_000; i++)
            {
                InterlockedMax.Advance(ref field, ((i % 2 == 0 ? i : 100_000 - i) * 4L) + w);
            }
        }, ct)).ToArray();
        var reader = Task.Run(() =>
        {
            start.Wait(ct);
            var last = 0L;
            while (!writers.All(t => t.IsCompleted))
            {
                var seen = Interlocked.Read(ref field);
                Assert.True(seen >= last, $"The field went back from {last} to {seen}.");
                last = seen;
            }
        }, ct);

        start.Set();
        await Task.WhenAll([.. writers, reader]);

        Assert.Equal((99_999 * 4L) + 3, Interlocked.Read(ref field));
    }
}
