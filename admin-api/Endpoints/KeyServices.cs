using ApiGateway.AdminApi.Validation;
using ApiGateway.Keys;
using ApiGateway.Keys.Storage;
using Microsoft.Extensions.Options;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary>What the key endpoints need, bound in one <c>[AsParameters]</c> object.</summary>
internal sealed class KeyServices(
    IKeyStore store, IUsageStore usage, KeyIssuer issuer, KeyRequestValidator validator, TimeProvider time, IOptions<KeysOptions> options)
{
    public IKeyStore Store { get; } = store;
    public IUsageStore Usage { get; } = usage;
    public KeyIssuer Issuer { get; } = issuer;
    public KeyRequestValidator Validator { get; } = validator;
    public TimeProvider Time { get; } = time;
    public IOptions<KeysOptions> Options { get; } = options;
}
