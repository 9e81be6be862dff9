namespace ApiGateway.AdminApi.Endpoints;

/// <summary>
/// <c>?limit=</c> (default 50, 1-200) and <c>?offset=</c> (default 0, at most <see cref="MaxOffset"/>). Deeper pages of
/// the long lists (keys, audit) use <c>?cursor=</c> (<see cref="PageCursor"/>), which costs the same on every page.
/// </summary>
internal static class PageQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <summary>OFFSET makes the database read and discard every skipped row (about 1 s at 100k keys), so it is bounded.</summary>
    public const int MaxOffset = 10_000;

    public static (int Limit, int Offset) Validate(int? limit, int? offset, ValidationErrors errors)
    {
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"limit must be 1-{MaxLimit}.");
        }
        if (offset is < 0 or > MaxOffset)
        {
            errors.Add("offset", $"offset must be 0-{MaxOffset}; page further with cursor (the nextCursor of each page).");
        }
        return (limit ?? DefaultLimit, offset ?? 0);
    }
}
