using ApiGateway.Keys;
using ApiGateway.Keys.Mutations;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary>What the key endpoints need, bound in one <c>[AsParameters]</c> object.</summary>
internal sealed class KeyServices(
    IKeyStore store, IUsageStore usage, KeyMutationService mutations, KeyRequestValidator validator, TimeProvider time, IOptions<KeysOptions> options)
{
    public IKeyStore Store { get; } = store;
    public IUsageStore Usage { get; } = usage;
    /// <summary>Every change to a key goes through here (rules in the write transaction, audit, change signal after commit).</summary>
    public KeyMutationService Mutations { get; } = mutations;
    public KeyRequestValidator Validator { get; } = validator;
    public TimeProvider Time { get; } = time;
    public IOptions<KeysOptions> Options { get; } = options;
}
