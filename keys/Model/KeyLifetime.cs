namespace ApiGateway.Keys.Model;

/// <summary>
/// The longest a key may live: 3,650 days (10 years) from when an expiry is set. The admin API refuses a later
/// <c>expiresAt</c>, and a computed expiry (a rotation copying the old key's lifetime) is capped at it, so date
/// arithmetic stays far below <see cref="DateTimeOffset.MaxValue"/> (docs/admin-api.md).
/// </summary>
public static class KeyLifetime
{
    public const int MaxDays = 3650;

    public static readonly TimeSpan Max = TimeSpan.FromDays(MaxDays);

    /// <summary>The latest expiry a key may be given at <paramref name="now"/>.</summary>
    public static DateTimeOffset Latest(DateTimeOffset now) =>
        now < DateTimeOffset.MaxValue - Max ? now + Max : DateTimeOffset.MaxValue;

    /// <summary><paramref name="now"/> plus <paramref name="lifetime"/>, capped at <see cref="Latest"/>.</summary>
    public static DateTimeOffset From(DateTimeOffset now, TimeSpan lifetime) =>
        lifetime >= Max ? Latest(now) : now + lifetime;
}
