using ApiGateway.Gateway.Usage;
using Microsoft.Extensions.Options;

namespace ApiGateway.Gateway.Shadow;

/// <summary>
/// Flushes and prunes <see cref="ShadowReport"/> on the <see cref="PeriodicFlushService"/> schedule (<c>Usage:FlushSeconds</c>),
/// as <see cref="UsageFlushService"/> does for usage. Runs only when <c>Gateway:ShadowRoutesFile</c> is set.
/// </summary>
internal sealed class ShadowReportFlushService(ShadowReport report, TimeProvider time, IOptions<UsageOptions> options)
    : PeriodicFlushService(time, options)
{
    protected override Task FlushAsync(CancellationToken cancellationToken) => report.FlushAsync(cancellationToken);

    protected override Task PruneAsync(CancellationToken cancellationToken) => report.PruneAsync(cancellationToken);
}
