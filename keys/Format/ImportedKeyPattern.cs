using System.Text.RegularExpressions;

namespace ApiGateway.Keys.Format;

/// <summary>
/// What else the gateway accepts besides our own format: <c>Keys:ImportedKeyPattern</c>, a .NET regex that must match the
/// whole token (docs/admin-api.md, "Importing keys"). Keys imported from another system are stored as the SHA-256 of
/// their plaintext, so a token that matches is looked up by SHA-256 even when a pepper is configured.
/// </summary>
public sealed class ImportedKeyPattern
{
    /// <summary>Longer tokens are refused before the regex runs: no imported system issues kilobyte keys.</summary>
    public const int MaxLength = 512;

    /// <summary>A pathological pattern or token costs at most this per request; a timeout counts as no match.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    public static readonly ImportedKeyPattern None = new(null);

    private readonly Regex? _regex;

    private ImportedKeyPattern(Regex? regex) => _regex = regex;

    public bool IsSet => _regex is not null;

    /// <summary>Null or empty: only our own format. Throws <see cref="ArgumentException"/> for a pattern that does not compile.</summary>
    public static ImportedKeyPattern From(string? pattern) =>
        string.IsNullOrEmpty(pattern) ? None
        : new(new Regex(@"\A(?:" + pattern + @")\z", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, MatchTimeout));

    /// <summary>Whether <paramref name="pattern"/> compiles; the error message when it does not.</summary>
    public static string? Check(string? pattern)
    {
        try
        {
            From(pattern);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    public bool Matches(ReadOnlySpan<char> token)
    {
        if (_regex is null || token.Length > MaxLength)
        {
            return false;
        }
        try
        {
            return _regex.IsMatch(token);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
