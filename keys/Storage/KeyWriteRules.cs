using ApiGateway.Keys.Model;

namespace ApiGateway.Keys.Storage;

/// <summary>
/// The rules a key write must pass, in one place for every engine. Each store evaluates them on rows read inside its
/// write transaction (SQLite's write lock, Postgres row and owner locks), never on a copy read before it.
/// </summary>
public static class KeyWriteRules
{
    /// <summary>
    /// Only an active key changes (a revoked or expired one is never revived by a new <c>expiresAt</c>), and a rotated-out
    /// key's expiry is the end of its grace period: clearing or moving it would keep the old secret alive beside its successor.
    /// </summary>
    public static UpdateKeyStatus CheckUpdate(ApiKey current, KeyUpdate update, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(update);
        if (current.StatusAt(now) != KeyStatus.Active)
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
}
