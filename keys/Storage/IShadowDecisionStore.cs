using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>What gateways report of their shadow routes decisions (docs/gateway.md "Shadow routes"), written in batches.</summary>
public interface IShadowDecisionStore
{
    /// <summary>Adds the counts and moves each row's last-seen time forward, in one transaction.</summary>
    Task RecordAsync(IReadOnlyCollection<ShadowDecisionIncrement> increments, CancellationToken cancellationToken);

    /// <summary>Per route, outcome and key: the counts of the hours seen at or after the query's start, most first.</summary>
    Task<IReadOnlyList<ShadowDecisionSummary>> ListAsync(ShadowDecisionQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes hourly rows last seen before <paramref name="before"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
