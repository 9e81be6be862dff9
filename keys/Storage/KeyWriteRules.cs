using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// The rules a key or admin-credential write must pass, in one place. <see cref="Mutations.KeyMutationService"/> evaluates
/// them on rows read inside its write transaction (under the row, owner or admin-revocation lock), never on a copy read before it.
/// </summary>
public static class KeyWriteRules
{
    /// <summary>
    /// Only a live key changes: active, or disabled (paused, not ended: it may be renamed, rescoped, given other limits,
    /// IPs or expiry, and re-enabled, like an active key). A revoked or expired one is never revived, by a new
    /// <c>expiresAt</c> or by <c>enabled: true</c>. A rotated-out key's expiry is the end of its grace period: clearing or
    /// moving it would keep the old secret alive beside its successor.
    /// </summary>
    public static UpdateKeyStatus CheckUpdate(ApiKey current, KeyUpdate update, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(update);
        if (current.StatusAt(now) is not (KeyStatus.Active or KeyStatus.Disabled))
        {
            return UpdateKeyStatus.NotActive;
        }
        return update.ExpiresAt.IsSet && current.RotatedTo is not null ? UpdateKeyStatus.ExpiryFixedByRotation : UpdateKeyStatus.Updated;
    }

    /// <summary>Only an active key that was not rotated yet can be rotated.</summary>
    public static bool CanRotate(ApiKey current, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.StatusAt(now) == KeyStatus.Active && current.RotatedTo is null;
    }

    /// <summary>
    /// Whether a rotation adds an active key to its owner's count: with a grace period the old key stays active beside
    /// the successor, so the owner needs room under the cap; without one the old key is revoked in the same step.
    /// </summary>
    public static bool RotationNeedsCapRoom(ApiKey current, DateTimeOffset? oldKeyEndsAt)
    {
        ArgumentNullException.ThrowIfNull(current);
        return oldKeyEndsAt is not null && current.Owner is not null;
    }

    /// <summary>
    /// The last-owner rule: an active owner credential may be revoked only while another active owner exists, so the
    /// admin API can never be locked. <paramref name="otherActiveOwners"/> is counted under the admin-revocation lock.
    /// </summary>
    public static bool IsLastActiveOwner(AdminCredential current, long otherActiveOwners)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.IsActive && current.Role == AdminRole.Owner && otherActiveOwners == 0;
    }
}
