using System.Security.Claims;
using ApiGateway.AdminApi.Authentication;
using ApiGateway.AdminApi.Problems;
using ApiGateway.Keys.Format;

namespace ApiGateway.AdminApi.Endpoints;

/// <summary>The handlers that change an existing key: PATCH, revoke (DELETE) and rotate. Mapped by <see cref="KeysEndpoints"/>.</summary>
internal static class KeyChangesEndpoints
{
    internal static async Task<Results<Ok<KeyRecord>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, UpdateKeyRequest request, ClaimsPrincipal user, [AsParameters] KeyServices services, CancellationToken cancellationToken)
    {
        if (!Ids.LooksLike(id, "key"))
        {
            return AdminProblems.KeyNotFound();
        }
        var errors = new ValidationErrors();
        var update = services.Validator.Validate(request, errors);
        if (update is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var outcome = await services.Mutations.UpdateAsync(id, update, user.ToActor(), cancellationToken);
        return outcome.Status switch
        {
            UpdateKeyStatus.NotFound => AdminProblems.KeyNotFound(),
            UpdateKeyStatus.NotActive => AdminProblems.NotUpdatable(outcome.Key!.StatusAt(services.Time.GetUtcNow()).ToWire()),
            UpdateKeyStatus.ExpiryFixedByRotation => AdminProblems.ExpiryFixedByRotation(outcome.Key!.RotatedTo!),
            _ => TypedResults.Ok(await KeyRecords.FromAsync(outcome.Key!, services, cancellationToken)),
        };
    }

    internal static async Task<Results<Ok<KeyRecord>, ProblemHttpResult>> RevokeAsync(
        string id, ClaimsPrincipal user, [AsParameters] KeyServices services, CancellationToken cancellationToken)
    {
        var revoked = Ids.LooksLike(id, "key") ? await services.Mutations.RevokeAsync(id, user.ToActor(), cancellationToken) : null;
        return revoked is null ? AdminProblems.KeyNotFound() : TypedResults.Ok(await KeyRecords.FromAsync(revoked, services, cancellationToken));
    }

    internal static async Task<Results<Created<CreatedKey>, ValidationProblem, ProblemHttpResult>> RotateAsync(
        string id, RotateKeyRequest? request, ClaimsPrincipal user, [AsParameters] KeyServices services, CancellationToken cancellationToken)
    {
        if (!Ids.LooksLike(id, "key"))
        {
            return AdminProblems.KeyNotFound();
        }
        var errors = new ValidationErrors();
        var (gracePeriod, expiresAt) = services.Validator.Validate(request, errors);
        if (errors.IsEmpty && await services.Store.GetAsync(id, cancellationToken) is { } current)
        {
            KeyRequestValidator.ValidateInherited(current, errors);
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var result = await services.Mutations.RotateAsync(id, gracePeriod, expiresAt, user.ToActor(), cancellationToken);
        switch (result.Status)
        {
            case RotateKeyStatus.NotFound:
                return AdminProblems.KeyNotFound();
            case RotateKeyStatus.NotRotatable:
                var old = result.Predecessor!;
                return AdminProblems.NotRotatable(old.RotatedTo is not null ? "already rotated" : old.StatusAt(services.Time.GetUtcNow()).ToWire());
            case RotateKeyStatus.OwnerLimitReached:
                return AdminProblems.RotationOverOwnerLimit(result.Predecessor!.Owner!, services.Options.Value.MaxActivePerOwner);
            default:
                var successor = result.Successor!;
                var record = KeyRecords.From(successor.Key, KeyUsage.None, services.Time.GetUtcNow());
                return TypedResults.Created($"/v1/keys/{record.Id}", new CreatedKey(record, successor.Plaintext));
        }
    }
}
