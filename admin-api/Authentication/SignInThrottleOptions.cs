using System.ComponentModel.DataAnnotations;

namespace ApiGateway.AdminApi.Authentication;

/// <summary>
/// The <c>Admin:SignInThrottle</c> section: how many failed sign-ins (console form and API Bearer alike) a client IP and a
/// credential prefix may cause per window before further attempts get 429 unchecked (docs/admin-api.md "Failed sign-ins").
/// Validated at start by <see cref="SignInThrottleOptionsValidator"/>.
/// </summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "Admin:SignInThrottle";

    /// <summary>Failed attempts per client IP (IPv6: its /64) per window.</summary>
    [Range(1, 1_000_000)]
    public int FailuresPerIp { get; set; } = 10;

    /// <summary>
    /// Failed attempts per credential prefix (the first 16 characters sent) per window, from any IP; 0 turns this partition
    /// off. Whoever knows a credential's prefix can spend it and keep that credential out until the window ends.
    /// </summary>
    [Range(0, 1_000_000)]
    public int FailuresPerPrefix { get; set; } = 20;

    /// <summary>How long a window lasts; it starts at a partition's first failure.</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 300;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}
