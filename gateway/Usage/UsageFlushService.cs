using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Usage;

/// <summary>Flushes and prunes <see cref="UsageRecorder"/> on the <see cref="PeriodicFlushService"/> schedule.</summary>
internal sealed class UsageFlushService(UsageRecorder recorder, TimeProvider time, IOptions<UsageOptions> options)
    : PeriodicFlushService(time, options)
{
    protected override Task FlushAsync(CancellationToken cancellationToken) => recorder.FlushAsync(cancellationToken);

    protected override Task PruneAsync(CancellationToken cancellationToken) => recorder.PruneAsync(cancellationToken);
}
