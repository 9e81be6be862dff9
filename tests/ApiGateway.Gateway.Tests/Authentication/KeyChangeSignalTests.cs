using ApiGateway.Gateway.Authentication;

namespace ApiGateway.Gateway.Tests.Authentication;

public sealed class KeyChangeSignalTests
{
    [Fact]
    public void Next_BeforeAnyWake_Pending()
    {
        Assert.False(new KeyChangeSignal().Next.IsCompleted);
    }

    /// <summary>The poller takes Next before it polls: a wake that arrives while it polls completes that task, so it is not lost.</summary>
    [Fact]
    public void Wake_CompletesTheTaskTakenBeforeIt()
    {
        var signal = new KeyChangeSignal();
        var next = signal.Next;

        signal.Wake();

        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void Wake_TheFollowingNextWaitsForTheFollowingWake()
    {
        var signal = new KeyChangeSignal();
        signal.Wake();

        var after = signal.Next;

        Assert.False(after.IsCompleted);
        signal.Wake();
        Assert.True(after.IsCompletedSuccessfully);
    }
}
